import ArgumentParser
import HoldfastCore
import HoldfastPOSIX
import HoldfastSync
import HoldfastSyncPostgres
import Synchronization

/// Set by SIGTERM and SIGINT: the service stops between transactions.
let stopRequested = Atomic<Bool>(false)

@Sendable func logLine(_ message: String) {
    let bytes = Array((TerminalText.escaped(message, limit: 4000) + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

@main
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast-sync",
        abstract: "Copies the board's session files into the clinic's PostgreSQL, every record once.",
        discussion: """
            Runs as the holdfast-sync service (systemd/holdfast-sync.service). The password comes from the \
            systemd credential holdfast-sync.password or from password_file (mode 0600), never from the \
            command line or the environment. See docs/sync.md.
            """,
        subcommands: [Run.self, Export.self],
        defaultSubcommand: Run.self
    )
}

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config = "/etc/holdfast/sync.conf"

    func settings() throws -> SyncSettings {
        do { return try SyncSettings.load(path: config) } catch {
            logLine("holdfast-sync: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
    }

    /// Connects with the configured password (read once per connection: a rotated credential is picked up).
    func connector(_ settings: SyncSettings) -> @Sendable () async throws(SyncDatabaseError) -> any SyncDatabase {
        { () async throws(SyncDatabaseError) -> any SyncDatabase in
            let credentials = getenv("CREDENTIALS_DIRECTORY").map { String(cString: $0) }
            var password: String?
            if let path = PasswordFile.path(configured: settings.passwordFile, credentialsDirectory: credentials) {
                do { password = try PasswordFile.password(in: path) } catch { throw .failed("password: \(error)") }
            }
            return try await PostgresSyncDatabase.connect(settings, password: password)
        }
    }
}

extension SyncCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Sync until stopped (the service), or once with --once; --status prints the health.")

        @OptionGroup var options: ConfigOption

        @Flag(help: "Store what the files hold now, then exit (0 when all is stored, 1 if the database could not be reached).")
        var once = false

        @Flag(help: "Print the running service's status (lag, last error, counts) from its status file.")
        var status = false

        @Flag(help: "Print the configuration keys as a markdown table.")
        var keys = false

        func run() async throws {
            if keys {
                print(SyncKeys.markdownTable, terminator: "")
                return
            }
            let settings = try options.settings()
            if status {
                guard let bytes = try? readFile(settings.statusFile, limit: 1 << 20), let s = SyncStatus(json: bytes) else {
                    logLine("holdfast-sync: no status in \(settings.statusFile) (has the service run?)")
                    throw ExitCode(1)
                }
                print(s.text(now: wallClockSeconds()), terminator: "")
                return
            }
            for sig in [SIGTERM, SIGINT] {
                signal(sig) { _ in stopRequested.store(true, ordering: .relaxed) }
            }
            signal(SIGPIPE, SIG_IGN)
            var service = SyncService(settings: settings, log: logLine, connect: options.connector(settings))
            if once { service.statusEveryS = 0 }
            logLine("holdfast-sync: board \(settings.board), \(settings.stateDirectory) → \(settings.user)@\(settings.host)"
                    + (settings.unixSocketPath == nil ? ":\(settings.port)" : "") + "/\(settings.database)"
                    + " (tls \(settings.tls.rawValue))")
            let ok = await service.run(once: once) { stopRequested.load(ordering: .relaxed) }
            let c = service.status.counters
            logLine("holdfast-sync: \(c.recordsStored) records stored, \(c.recordsRefused) refused, \(c.transactions) transactions"
                    + (service.status.lagRecords.map { ", \($0) behind" } ?? ""))
            if !ok { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write one client's sessions, from every board, as session files into DIR/BOARD/ (for holdfast report).")

        @OptionGroup var options: ConfigOption

        @Option(help: "The client's pseudonym.")
        var client: String

        @Option(help: "A new or empty directory.")
        var to: String

        func run() async throws {
            let settings = try options.settings()
            do { _ = try ClientPseudonym.validated(client) } catch {
                logLine("holdfast-sync: \(error.reason)")
                throw ExitCode(64)
            }
            do { try makeDirectoryIfMissing(to) } catch {
                logLine("holdfast-sync: \(error)")
                throw ExitCode(1)
            }
            if let existing = try? directoryEntries(to), !existing.isEmpty {
                logLine("holdfast-sync: \(to) is not empty")
                throw ExitCode(1)
            }
            do {
                let db = try await options.connector(settings)()
                guard let postgres = db as? PostgresSyncDatabase else { throw ExitCode(1) }
                let sessions: [StoredSession]
                do { sessions = try await postgres.storedSessions(client: client) } catch {
                    await postgres.close()
                    throw error
                }
                await postgres.close()
                do { _ = try ClinicCourse.write(sessions, to: to) } catch {
                    logLine("holdfast-sync: \(error)")
                    throw ExitCode(1)
                }
                for s in sessions { print("\(s.board)/\(s.file)\t\(s.records.count) records") }
            } catch let error as SyncDatabaseError {
                logLine("holdfast-sync: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
