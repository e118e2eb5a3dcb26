import HoldfastSession

/// One record on its way to the database, keyed as it will be kept there:
/// (board, session file, record number — the file's line number).
public struct SyncRecord: Sendable, Equatable {
    public let file: String
    public let number: Int
    public let type: String
    /// The line exactly as the file has it (the database parses it as JSON again).
    public let text: String

    public init(file: String, number: Int, type: String, text: String) {
        self.file = file
        self.number = number
        self.type = type
        self.text = text
    }
}

/// A record that was not stored, and why: the database refused it (a value a
/// table's check does not allow) or the sync did (a line that is no record).
/// It stays in the file; the database keeps its key and the reason.
public struct SyncRefusal: Sendable, Equatable {
    public let file: String
    public let number: Int
    public let reason: String
    /// The database's SQLSTATE, when it was the database that refused.
    public let sqlState: String?

    public init(file: String, number: Int, reason: String, sqlState: String? = nil) {
        self.file = file
        self.number = number
        self.reason = reason
        self.sqlState = sqlState
    }
}

/// How far a file is stored, written in the same transaction as its records:
/// after a crash, the database says exactly where to go on.
public struct SyncCursor: Sendable, Equatable {
    public var position: SessionPosition
    /// The file's first line (its session header), to know the file again:
    /// a different file under the same name is refused, not merged.
    public var header: String?

    public init(position: SessionPosition, header: String?) {
        self.position = position
        self.header = header
    }
}

/// What one transaction writes: records, refusals and the files' new cursors.
public struct SyncBatch: Sendable, Equatable {
    public var records: [SyncRecord] = []
    /// Lines the sync itself refused (not a JSON object with a type).
    public var refusals: [SyncRefusal] = []
    public var cursors: [String: SyncCursor] = [:]

    public init() {}

    public var isEmpty: Bool { records.isEmpty && refusals.isEmpty && cursors.isEmpty }
    /// Lines the batch accounts for, stored or refused.
    public var lineCount: Int { records.count + refusals.count }
}

/// Why the database did not take a batch.
public enum SyncDatabaseError: Error, Equatable, CustomStringConvertible {
    /// A record's value was refused (a check, a type): the transaction was
    /// rolled back, and the batch can be written record by record.
    case refused(String, sqlState: String)
    /// The server cannot be reached, or the connection broke: try again later.
    /// Whether the last commit happened is unknown; the cursors, read again, say.
    case unavailable(String)
    /// Anything else (a schema newer than this program, a permission): reported, tried again later.
    case failed(String)

    public var description: String {
        switch self {
        case .refused(let m, let state): "refused (SQLSTATE \(state)): \(m)"
        case .unavailable(let m): "database unavailable: \(m)"
        case .failed(let m): m
        }
    }
}

/// The database as the sync needs it. One implementation talks to PostgreSQL
/// (the `Sync/` package, over postgres-nio); tests use one in memory.
public protocol SyncDatabase: Sendable {
    /// Creates or migrates the schema to the newest version this program knows,
    /// and says which versions it applied (none when it was current).
    func migrate() async throws(SyncDatabaseError) -> [Int]
    /// Holds the board for this connection's life, so that two syncs of one
    /// board never run at once; fails at once if another holds it.
    func claim(board: String) async throws(SyncDatabaseError)
    /// Every file's cursor for the board.
    func cursors(board: String) async throws(SyncDatabaseError) -> [String: SyncCursor]
    /// Writes the batch in one transaction: records (once each: a key already
    /// there is left as it is), refusals and cursors. `oneByOne`: each record in
    /// a savepoint of its own, so that a refused one is rolled back alone and
    /// returned (and recorded in the database) while the rest are stored.
    func write(_ batch: SyncBatch, board: String, oneByOne: Bool) async throws(SyncDatabaseError) -> [SyncRefusal]
    /// A round trip, so that an idle sync still knows whether the database answers.
    func ping() async throws(SyncDatabaseError)
    func close() async
}
