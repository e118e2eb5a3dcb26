import Foundation
import HoldfastSync
import HoldfastTestSupport
import Testing

@Suite("Sync settings, password and status")
struct SyncSettingsTests {
    static let root = repositoryRoot

    @Test func theShippedConfigurationParses() throws {
        let s = try SyncSettings.load(path: Self.root + "/systemd/sync.conf")
        #expect(s.tls == .verifyFull && s.port == 5432 && s.stateDirectory == "/var/lib/holdfast/sessions")
        #expect(!s.host.isEmpty)
    }

    @Test(arguments: [
        ("password = hunter2", "sync.conf:1: password: a password is never read from the configuration file"),
        ("host = db\ntls = disable", "tls: disable is allowed only for a Unix socket or the loopback address"),
        ("board = room 1", "sync.conf:1: board: \"room 1\" is not a board name"),
        ("board = ..", "sync.conf:1: board: \"..\" is not a board name"),
        ("board = .hidden", "sync.conf:1: board: \".hidden\" is not a board name"),
        ("port = 70000", "sync.conf:1: port: \"70000\" is not a number in 1 ... 65535"),
        ("tls = maybe", "sync.conf:1: tls: \"maybe\" is not verify-full, require or disable"),
        ("state_dir = sessions", "sync.conf:1: state_dir: \"sessions\" is not a path"),
        ("tls = require", "configuration: host: the database server is not set"),
        ("host db", "sync.conf:1: host db: expected KEY = VALUE"),
    ])
    func errorsNameTheLineAndKey(text: String, expected: String) throws {
        do {
            var s = SyncSettings(board: "room-1")
            try s.apply(fileText: text, source: "sync.conf")
            _ = try s.validated()
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func plainConnectionsOnlyOnThisMachine() throws {
        for host in ["127.0.0.1", "localhost", "::1", "/run/postgresql"] {
            var s = SyncSettings(board: "room-1")
            try s.apply(fileText: "host = \(host)\ntls = disable", source: "sync.conf")
            #expect(throws: Never.self) { try s.validated() }
        }
        var socket = SyncSettings(board: "room-1")
        try socket.apply(fileText: "host = /tmp\nport = 5433", source: "sync.conf")
        #expect(socket.unixSocketPath == "/tmp/.s.PGSQL.5433")
    }

    @Test func theDocumentationListsEveryKeyAsTheCodeDoes() throws {
        let doc = try String(contentsOfFile: Self.root + "/docs/sync.md", encoding: .utf8)
        #expect(doc.contains(SyncKeys.markdownTable), "docs/sync.md's key table differs from SyncKeys: paste `holdfast-sync --keys`")
    }

    @Test func aPasswordFileOthersCanReadIsRefused() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("pw", "s3cret\n")
        chmod(path, 0o640)
        do {
            _ = try PasswordFile.password(in: path)
            Issue.record("a group-readable password file was accepted")
        } catch {
            #expect(error.reason.contains("mode 640"), "\(error)")
        }
        chmod(path, 0o600)
        #expect(try PasswordFile.password(in: path) == "s3cret")
        let crlf = try dir.write("pw2", "with spaces \r\nsecond line ignored")
        chmod(crlf, 0o400)
        #expect(try PasswordFile.password(in: crlf) == "with spaces ")
        let empty = try dir.write("empty", "\n")
        chmod(empty, 0o600)
        #expect(throws: PasswordFile.Refused.self) { try PasswordFile.password(in: empty) }
    }

    @Test func theCredentialIsFoundOnlyWhenThereIsOne() throws {
        let dir = try ScratchDirectory()
        #expect(PasswordFile.path(configured: nil, credentialsDirectory: dir.path) == nil)
        #expect(PasswordFile.path(configured: nil, credentialsDirectory: nil) == nil)
        try dir.write(PasswordFile.credentialName, "pw")
        #expect(PasswordFile.path(configured: nil, credentialsDirectory: dir.path) == dir.file(PasswordFile.credentialName))
        #expect(PasswordFile.path(configured: "/etc/x", credentialsDirectory: dir.path) == "/etc/x")
    }

    @Test func statusReadsBackAndPrometheusTextIsWellFormed() throws {
        var status = SyncStatus(board: "room-2", updatedAt: 1_790_000_000.25)
        status.databaseUp = true
        status.schemaVersion = SyncSchema.latestVersion
        status.lagRecords = 12
        status.lagSeconds = 3.5
        status.lastError = "database unavailable: connection refused"
        status.lastErrorAt = 1_789_999_990
        status.counters.recordsStored = 4321
        status.counters.recordsRefused = 2
        let back = try #require(SyncStatus(json: status.json))
        #expect(back == status)

        let text = status.prometheusText
        let sample = try NSRegularExpression(pattern: #"^holdfast_sync_[a-z_]+\{board="room-2"\} (NaN|-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)$"#)
        var names: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4 && ["gauge", "counter"].contains(parts[3]), "\(line)")
                names.append(String(parts[2]))
                #expect(parts[3] != "counter" || parts[2].hasSuffix("_total"))
            } else if !line.hasPrefix("# HELP ") {
                let s = String(line)
                #expect(sample.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil, "\(line)")
                #expect(names.last.map { s.hasPrefix($0 + "{") } == true, "\(line) follows its TYPE line")
            }
        }
        #expect(text.contains("holdfast_sync_lag_records{board=\"room-2\"} 12\n"))
        #expect(text.contains("holdfast_sync_records_stored_total{board=\"room-2\"} 4321\n"))
        #expect(status.text(now: 1_790_000_010).contains("12 records, 3.5 s behind"))
    }

    @Test func migrationsAreNumberedInOrderFromOne() {
        #expect(SyncSchema.migrations.map(\.version) == Array(1...SyncSchema.migrations.count))
        #expect(SyncSchema.migrations.allSatisfy { !$0.statements.isEmpty && !$0.name.isEmpty })
    }
}
