import HoldfastSession
import HoldfastSync
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// The sync's database in PostgreSQL, over one postgres-nio connection: TLS
/// (verified by default) and SCRAM-SHA-256 passwords as the server asks, the
/// schema migrated under an advisory lock, the board claimed with another,
/// and each batch one transaction of set-based statements (`unnest` over
/// arrays: three statements whatever the batch's size).
public final class PostgresSyncDatabase: SyncDatabase {
    let connection: PostgresConnection
    let logger: Logger

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Connects as `settings` says; `password` from ``PasswordFile`` (nil: none, for peer authentication).
    public static func connect(_ settings: SyncSettings, password: String?) async throws(SyncDatabaseError) -> PostgresSyncDatabase {
        var config: PostgresConnection.Configuration
        if let socket = settings.unixSocketPath {
            config = .init(unixSocketPath: socket, username: settings.user, password: password, database: settings.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do { tls = try tlsMode(settings) } catch { throw .failed("TLS: \(error)") }
            config = .init(host: settings.host, port: settings.port, username: settings.user, password: password,
                           database: settings.database, tls: tls)
        }
        config.options.connectTimeout = .seconds(10)
        config.options.additionalStartupParameters = [("application_name", "holdfast-sync \(settings.board)")]
        var logger = Logger(label: "holdfast-sync")
        logger.logLevel = .critical
        do {
            let connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
            return PostgresSyncDatabase(connection: connection, logger: logger)
        } catch {
            throw Self.mapped(error)
        }
    }

    static func tlsMode(_ settings: SyncSettings) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch settings.tls {
        case .disable: return .disable
        case .require: tls.certificateVerification = .none
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            if let ca = settings.tlsCA { tls.trustRoots = .file(ca) }
        }
        return .require(try NIOSSLContext(configuration: tls))
    }

    public func migrate() async throws(SyncDatabaseError) -> [Int] {
        try await transaction { () async throws in
            try await connection.query("SELECT pg_advisory_xact_lock(\(SyncSchema.migrationLock))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: SyncSchema.versionTable), logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM holdfast_schema", logger: logger).decode(Int.self) {
                current = version
            }
            guard current <= SyncSchema.latestVersion else {
                throw SyncDatabaseError.failed("the database's schema is version \(current), newer than this holdfast-sync "
                                               + "knows (\(SyncSchema.latestVersion)): upgrade holdfast-sync")
            }
            var applied: [Int] = []
            for migration in SyncSchema.migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO holdfast_schema (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }

    public func claim(board: String) async throws(SyncDatabaseError) {
        try checkOpen()
        var claimed = false
        do {
            try await connection.query(
                "INSERT INTO boards (board) VALUES (\(board)) ON CONFLICT (board) DO UPDATE SET last_seen = now()", logger: logger)
            for try await ok in try await connection.query(
                "SELECT pg_try_advisory_lock(\(Int32(Self.boardLockClass)), hashtext(\(board)))", logger: logger).decode(Bool.self) {
                claimed = ok
            }
        } catch {
            throw Self.mapped(error)
        }
        guard claimed else { throw .failed("another holdfast-sync is syncing board \(board) (it holds the board's lock)") }
    }

    /// The advisory lock class of a board's claim (with the board's hash as the second key).
    static let boardLockClass = 0x4846

    public func cursors(board: String) async throws(SyncDatabaseError) -> [String: SyncCursor] {
        try checkOpen()
        var result: [String: SyncCursor] = [:]
        do {
            let rows = try await connection.query(
                "SELECT file, byte_offset, lines, header FROM sync_cursors WHERE board = \(board)", logger: logger)
            for try await (file, offset, lines, header) in rows.decode((String, Int64, Int, String?).self) {
                result[file] = SyncCursor(position: SessionPosition(offset: offset, lines: lines), header: header)
            }
        } catch {
            throw Self.mapped(error)
        }
        return result
    }

    public func write(_ batch: SyncBatch, board: String, oneByOne: Bool) async throws(SyncDatabaseError) -> [SyncRefusal] {
        try await transaction { () async throws in
            var refused: [SyncRefusal] = []
            if oneByOne {
                for record in batch.records {
                    try await connection.query("SAVEPOINT record", logger: logger)
                    do {
                        try await insert([record], board: board)
                        try await connection.query("RELEASE SAVEPOINT record", logger: logger)
                    } catch {
                        guard case .refused(let reason, let state) = Self.mapped(error) else { throw error }
                        try await connection.query("ROLLBACK TO SAVEPOINT record", logger: logger)
                        refused.append(SyncRefusal(file: record.file, number: record.number, reason: reason, sqlState: state))
                    }
                }
            } else {
                try await insert(batch.records, board: board)
            }
            let refusals = batch.refusals + refused
            if !refusals.isEmpty {
                try await connection.query("""
                    INSERT INTO sync_refused (board, file, n, reason, sqlstate)
                    SELECT \(board), f, n, r, nullif(s, '')
                    FROM unnest(\(refusals.map(\.file))::text[], \(refusals.map { Int32($0.number) })::int4[],
                                \(refusals.map(\.reason))::text[], \(refusals.map { $0.sqlState ?? "" })::text[]) AS u(f, n, r, s)
                    ON CONFLICT (board, file, n) DO UPDATE SET reason = excluded.reason, sqlstate = excluded.sqlstate,
                        refused_at = now()
                    """, logger: logger)
            }
            let sorted = batch.cursors.sorted { $0.key < $1.key }
            let files = sorted.map(\.key)
            let cursors = sorted.map(\.value)
            try await connection.query("""
                INSERT INTO sync_cursors (board, file, byte_offset, lines, header)
                SELECT \(board), f, o, l, nullif(h, '')
                FROM unnest(\(files)::text[], \(cursors.map(\.position.offset))::int8[],
                            \(cursors.map { Int32($0.position.lines) })::int4[], \(cursors.map { $0.header ?? "" })::text[])
                    AS u(f, o, l, h)
                ON CONFLICT (board, file) DO UPDATE SET
                    byte_offset = greatest(sync_cursors.byte_offset, excluded.byte_offset),
                    lines = greatest(sync_cursors.lines, excluded.lines),
                    header = coalesce(sync_cursors.header, excluded.header), updated_at = now()
                """, logger: logger)
            return refused
        }
    }

    /// Records by key; one already there is left as it was (a commit whose answer was lost).
    private func insert(_ records: [SyncRecord], board: String) async throws {
        guard !records.isEmpty else { return }
        try await connection.query("""
            INSERT INTO records (board, file, n, type, t_s, raw, doc)
            SELECT \(board), f, n, t, (d->>'t_s')::double precision, r, d
            FROM (SELECT f, n, t, r, r::jsonb AS d
                  FROM unnest(\(records.map(\.file))::text[], \(records.map { Int32($0.number) })::int4[],
                              \(records.map(\.type))::text[], \(records.map(\.text))::text[]) AS u(f, n, t, r)) AS parsed
            ON CONFLICT (board, file, n) DO NOTHING
            """, logger: logger)
    }

    /// `body` between BEGIN and COMMIT; rolled back (if the connection still can) on any error.
    private func transaction<T: Sendable>(_ body: () async throws -> T) async throws(SyncDatabaseError) -> T {
        try checkOpen()
        do {
            try await connection.query("BEGIN", logger: logger)
            let value = try await body()
            try await connection.query("COMMIT", logger: logger)
            return value
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw Self.mapped(error)
        }
    }

    /// A query on a connection the server has closed (a restart, an administrator) may never be answered:
    /// the connection is given up instead, and the sync connects again.
    private func checkOpen() throws(SyncDatabaseError) {
        if connection.isClosed { throw .unavailable("the server closed the connection") }
    }

    public func ping() async throws(SyncDatabaseError) {
        try checkOpen()
        do { try await connection.query("SELECT 1", logger: logger) } catch { throw Self.mapped(error) }
    }

    public func close() async {
        try? await connection.close()
    }

    /// What an error means for the sync: a refused value, a database out of reach, or something else.
    static func mapped(_ error: any Error) -> SyncDatabaseError {
        if let mine = error as? SyncDatabaseError { return mine }
        guard let e = error as? PSQLError else { return .unavailable(String(describing: error)) }
        if e.code == .server, let info = e.serverInfo, let state = info[.sqlState] {
            let message = [info[.message], info[.detail]].compactMap { $0 }.joined(separator: ": ")
            switch state.prefix(2) {
            case "22", "23", "54": return .refused(message, sqlState: state)  // data, integrity, a limit
            case "08", "57", "53": return .unavailable("\(message) (SQLSTATE \(state))")  // connection, shutdown, resources
            default: return .failed("\(message) (SQLSTATE \(state))")
            }
        }
        let underlying = e.underlying.map { ": \(String(describing: $0))" } ?? ""
        switch e.code {
        case .saslError, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .sslUnsupported:
            return .failed("\(e.code)\(underlying)")
        default:
            return .unavailable("\(e.code)\(underlying)")
        }
    }
}
