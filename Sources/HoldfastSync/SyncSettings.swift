import HoldfastCore
import HoldfastJSON
import HoldfastPOSIX

/// How the sync reaches the database: TLS is on and checked unless the
/// configuration says otherwise, and then only for a socket on this machine.
public enum SyncTLS: String, Sendable, CaseIterable {
    /// Encrypted, and the server's certificate checked against `tls_ca` (or the
    /// system's roots) and its name against `host`.
    case verifyFull = "verify-full"
    /// Encrypted, the certificate not checked (a server with a self-made certificate on a trusted network).
    case require
    /// Plain: a Unix socket or the loopback address only.
    case disable
}

/// Everything `holdfast-sync` is configured with, from /etc/holdfast/sync.conf
/// (`key = value` lines, `#` comments, the daemon's file syntax). No password:
/// that comes from a systemd credential or a file only it can read (see
/// ``PasswordFile``), never from the configuration, the command line or the
/// environment, which other users and processes can see.
public struct SyncSettings: Sendable, Equatable {
    /// This board's name in the database: one treatment room.
    public var board: String
    public var stateDirectory = "/var/lib/holdfast/sessions"
    /// A host name, an IP address, or (starting with `/`) a Unix socket directory or path.
    public var host = ""
    public var port = 5432
    public var database = "holdfast"
    public var user = "holdfast_sync"
    public var passwordFile: String?
    public var tls = SyncTLS.verifyFull
    /// PEM file of the certificate authority that signed the server's certificate; nil: the system's roots.
    public var tlsCA: String?
    public var intervalS = 1.0
    public var batchRecords = 1000
    public var retryMaxS = 60.0
    public var statusFile = "/var/lib/holdfast-sync/status.json"
    /// For node_exporter's textfile collector; empty: none.
    public var prometheusFile = "/var/lib/holdfast-sync/metrics/holdfast-sync.prom"

    public init(board: String) { self.board = board }

    /// Defaults, with the board named after this machine.
    public init() { self.init(board: Self.hostName()) }

    /// The socket path for a host that is a directory (PostgreSQL's convention:
    /// `DIR/.s.PGSQL.PORT`) or a socket path; nil for a TCP host.
    public var unixSocketPath: String? {
        guard host.hasPrefix("/") else { return nil }
        return host.hasSuffix(".s.PGSQL.\(port)") || !isDirectory(host) ? host : host + "/.s.PGSQL.\(port)"
    }

    /// A Unix socket, or a loopback address: the only places plain connections may go.
    public var isLocal: Bool {
        unixSocketPath != nil || host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    /// Parses the file; errors name the file, line and key.
    public mutating func apply(fileText text: String, source: String) throws(SyncConfigError) {
        let entries: [TextLines.KeyValue]
        do { entries = try TextLines.keyValues(text) } catch {
            throw SyncConfigError("\(source):\(error.line): \(error.text): expected KEY = VALUE")
        }
        for entry in entries {
            do { try set(entry.key, entry.value) } catch {
                throw SyncConfigError("\(source):\(entry.line): \(entry.key): \(error.reason)")
            }
        }
    }

    /// Reads and parses `path` (a regular file).
    public static func load(path: String) throws(SyncConfigError) -> SyncSettings {
        let bytes: [UInt8]
        do { bytes = try readFile(path, limit: 1 << 20) } catch { throw SyncConfigError(error.description) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw SyncConfigError("\(path): not UTF-8 text") }
        var settings = SyncSettings()
        try settings.apply(fileText: text, source: path)
        return try settings.validated()
    }

    /// Sets one key by the table.
    public mutating func set(_ key: String, _ value: String) throws(SyncValueError) {
        guard let entry = SyncKeys.named(key) else {
            if key == "password" || key == "pass" {
                throw SyncValueError("a password is never read from the configuration file (others can read it): "
                                     + "put it in a systemd credential or a file of mode 0600 named by password_file")
            }
            throw SyncValueError("unknown key")
        }
        try entry.apply(&self, value)
    }

    /// Checks the keys together.
    public func validated() throws(SyncConfigError) -> SyncSettings {
        guard !host.isEmpty else { throw SyncConfigError("configuration: host: the database server is not set") }
        if tls == .disable && !isLocal {
            throw SyncConfigError("configuration: tls: disable is allowed only for a Unix socket or the loopback address "
                                  + "(\(host) would see the records in clear)")
        }
        return self
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard case .success = valueOrErrno({ gethostname(&buffer, buffer.count - 1) }) else { return "board" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (try? SyncKeys.boardName(name)) ?? "board"
    }

    private func isDirectory(_ path: String) -> Bool {
        guard case .success(let info) = fileStatus(path) else { return false }
        return info.st_mode & S_IFMT == S_IFDIR
    }
}

/// A value that is not acceptable for its key.
public struct SyncValueError: Error, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A configuration problem, with the file, line and key. Safe to print.
public struct SyncConfigError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { TerminalText.escaped(message, limit: 400) }
}

/// One key of sync.conf, declared once: the parser and the table in docs/sync.md come from this.
public struct SyncKey: Sendable {
    public let name: String
    public let defaultText: String
    public let meaning: String
    let apply: @Sendable (inout SyncSettings, String) throws(SyncValueError) -> Void
}

/// Every key sync.conf takes, in the order the documentation lists them.
public enum SyncKeys {
    public static let all: [SyncKey] = [
        SyncKey(name: "board", defaultText: "the host name",
                meaning: "this board's name in the database, one per treatment room (a letter or digit, then letters, digits, `.`, `-`, `_`; 1 to 64)") {
            s, v throws(SyncValueError) in s.board = try boardName(v)
        },
        SyncKey(name: "state_dir", defaultText: "`/var/lib/holdfast/sessions`",
                meaning: "the daemon's session files (`*.jsonl`), only ever read") { s, v throws(SyncValueError) in
            s.stateDirectory = try path(v)
        },
        SyncKey(name: "host", defaultText: "— (required)",
                meaning: "the database server: an IP address (the unit allows only it), a host name, or a Unix socket "
                    + "directory or path (starting with `/`)") { s, v throws(SyncValueError) in
            guard !v.isEmpty, !v.contains(" "), !v.contains("\0") else { throw SyncValueError("\"\(v)\" is not a host") }
            s.host = v
        },
        SyncKey(name: "port", defaultText: "5432", meaning: "the server's TCP port (and the socket's number)") {
            s, v throws(SyncValueError) in s.port = Int(try number(v, 1...65535))
        },
        SyncKey(name: "database", defaultText: "`holdfast`", meaning: "the database") { s, v throws(SyncValueError) in
            s.database = try identifier(v)
        },
        SyncKey(name: "user", defaultText: "`holdfast_sync`", meaning: "the database role the sync logs in as") {
            s, v throws(SyncValueError) in s.user = try identifier(v)
        },
        SyncKey(name: "password_file", defaultText: "the credential `holdfast-sync.password`",
                meaning: "a file holding the password, readable by its owner only (mode 0600 or 0400); by default the "
                    + "systemd credential of that name (`LoadCredential=`), or none (a Unix socket's peer authentication)") {
            s, v throws(SyncValueError) in s.passwordFile = v.isEmpty ? nil : try path(v)
        },
        SyncKey(name: "tls", defaultText: "`verify-full`",
                meaning: "`verify-full` (encrypted, the server's certificate and name checked), `require` (encrypted, "
                    + "not checked) or `disable` (a Unix socket or loopback only)") { s, v throws(SyncValueError) in
            guard let mode = SyncTLS(rawValue: v) else { throw SyncValueError("\"\(v)\" is not verify-full, require or disable") }
            s.tls = mode
        },
        SyncKey(name: "tls_ca", defaultText: "the system's roots",
                meaning: "PEM file of the authority that signed the server's certificate") { s, v throws(SyncValueError) in
            s.tlsCA = v.isEmpty ? nil : try path(v)
        },
        SyncKey(name: "interval_s", defaultText: "1", meaning: "how often to look for new records, in seconds") {
            s, v throws(SyncValueError) in s.intervalS = try number(v, 0.01...3600)
        },
        SyncKey(name: "batch_records", defaultText: "1000", meaning: "records per transaction, at most") {
            s, v throws(SyncValueError) in s.batchRecords = Int(try number(v, 1...100_000))
        },
        SyncKey(name: "retry_max_s", defaultText: "60",
                meaning: "the longest wait between attempts while the database cannot be reached (from 1 s, doubling)") {
            s, v throws(SyncValueError) in s.retryMaxS = try number(v, 1...3600)
        },
        SyncKey(name: "status_file", defaultText: "`/var/lib/holdfast-sync/status.json`",
                meaning: "what `holdfast-sync --status` prints: lag, last error, counts") { s, v throws(SyncValueError) in
            s.statusFile = try path(v)
        },
        SyncKey(name: "prometheus_file", defaultText: "`/var/lib/holdfast-sync/metrics/holdfast-sync.prom`",
                meaning: "the same for node_exporter's textfile collector (written atomically); empty: none") {
            s, v throws(SyncValueError) in s.prometheusFile = v.isEmpty ? "" : try path(v)
        },
    ]

    public static func named(_ name: String) -> SyncKey? { all.first { $0.name == name } }

    /// The table in docs/sync.md (a test keeps the two the same).
    public static var markdownTable: String {
        var out = "| key | default | meaning |\n|---|---|---|\n"
        for k in all { out += "| `\(k.name)` | \(k.defaultText) | \(k.meaning) |\n" }
        return out
    }

    /// A board's name: part of every natural key, so plain and short; and a
    /// directory's name in a course written back from the database, so it starts
    /// with a letter or digit (never `.` or `..`).
    public static func boardName(_ v: String) throws(SyncValueError) -> String {
        func plain(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) }
        let ok = v.utf8.count <= 64 && v.unicodeScalars.first.map(plain) == true
            && v.unicodeScalars.allSatisfy { plain($0) || "-_.".unicodeScalars.contains($0) }
        guard ok else {
            throw SyncValueError("\"\(v)\" is not a board name (a letter or digit, then letters, digits, ., - and _; 1 to 64)")
        }
        return v
    }

    static func identifier(_ v: String) throws(SyncValueError) -> String {
        guard !v.isEmpty, v.utf8.count <= 63, !v.contains("\0"), !v.contains(" ") else {
            throw SyncValueError("\"\(v)\" is not a PostgreSQL name")
        }
        return v
    }

    static func number(_ value: String, _ range: ClosedRange<Double>) throws(SyncValueError) -> Double {
        guard let v = Double(value), v.isFinite, range.contains(v) else {
            throw SyncValueError("\"\(value)\" is not a number in \(JSON.number(range.lowerBound)) ... \(JSON.number(range.upperBound))")
        }
        return v
    }

    static func path(_ value: String) throws(SyncValueError) -> String {
        guard value.hasPrefix("/") || value.hasPrefix("."), !value.contains("\0") else {
            throw SyncValueError("\"\(value)\" is not a path")
        }
        return value
    }
}
