import ArgumentParser
import FoundationEssentials
import HoldfastCore
import HoldfastPOSIX
import HoldfastReport
import HoldfastSync

/// `holdfast report`: one client's course of care across their sessions.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A client's course of care across sessions: dose and PPT per point, outcomes, and what the plan needs.",
        discussion: """
            Reads every session file (*.jsonl, and *.jsonl.partial without a finished twin) in the session \
            directories and keeps those of the client. Prints the report for an 80-column terminal; --html writes \
            one self-contained file (inline SVG plots, prints on A4), --csv a table for spreadsheets. \
            With --database, the client's sessions from every board in the clinic's PostgreSQL as well \
            (through holdfast-sync, docs/sync.md); the directories are taken as this board's (the board the \
            configuration names), so its sessions found in both places count once.
            """)

    @Option(help: "The client's pseudonym.")
    var client: String

    @Option(name: .customLong("sessions"), help: "A directory of session files (repeatable; default /var/lib/holdfast/sessions).")
    var directories: [String] = []

    @Option(help: ArgumentHelp("holdfast-sync's configuration: read the client's sessions from the clinic's database too.",
                               valueName: "sync.conf"))
    var database: String?

    @Option(name: .customLong("sync-executable"), help: "The holdfast-sync that reads the database (default: as holdfast sync finds it).")
    var syncExecutable = SyncExecutable.path()

    static let defaultDirectory = "/var/lib/holdfast/sessions"

    @Option(help: "Write the report as HTML here.")
    var html: String?

    @Option(help: "Write the report as CSV here.")
    var csv: String?

    @Option(name: .customLong("mdc-pct"), help: "Minimal detectable change of a PPT (% of its first value).")
    var mdcPct = 20.0

    @Option(name: .customLong("pain-mdc"), help: "Minimal detectable change of pain (points on 0-10).")
    var painMDC = 2

    func validate() throws {
        do { _ = try ClientPseudonym.validated(client) } catch { throw ValidationError(error.reason) }
        guard mdcPct.isFinite, mdcPct > 0, mdcPct < 1000 else { throw ValidationError("--mdc-pct \(mdcPct): above 0, below 1000") }
        guard (1...10).contains(painMDC) else { throw ValidationError("--pain-mdc \(painMDC): 1 to 10") }
    }

    func run() throws {
        // With the database, the board's own directory is read if there is one (a clinic's office has none).
        let boardOnly = directories.isEmpty && database != nil
        let directories = self.directories.isEmpty ? [Self.defaultDirectory] : self.directories
        var paths: [String] = []
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                if boardOnly { continue }
                throw CommandFailure("\(TerminalText.escaped(directory, limit: 200)): cannot list the session directory")
            }
            let finished = Set(names.filter { $0.hasSuffix(".jsonl") })
            for name in names.sorted() where name.hasSuffix(".jsonl")
                || (name.hasSuffix(".jsonl.partial") && !finished.contains(String(name.dropLast(".partial".count)))) {
                paths.append(directory + "/" + name)
            }
        }
        var places = directories.map { TerminalText.escaped($0, limit: 200) }
        var fetched: String?
        defer { if let fetched { try? FileManager.default.removeItem(atPath: fetched) } }
        if let database {
            do {
                let directory = try makeTemporaryDirectory(prefix: "holdfast-report")
                fetched = directory
                // The local files are this board's: its copies in the database are not counted twice.
                let board = try SyncSettings.load(path: database).board
                let copies = try ClinicCourse.fetch(client: client, configuration: database, syncExecutable: syncExecutable,
                                                    into: directory)
                paths = ClinicCourse.paths(local: paths, fromDatabase: copies, board: board)
            } catch let error as SystemError {
                throw CommandFailure("holdfast report: \(error)")
            } catch {
                throw CommandFailure("holdfast report: \(TerminalText.escaped("\(error)", limit: 400))")
            }
            places.append("the database (\(TerminalText.escaped(database, limit: 200)))")
        }
        let care = CourseOfCare(client: client, paths: paths, mdcFraction: mdcPct / 100, painMDC: painMDC)
        for why in care.unreadable { printError("holdfast report: not read: \(why)") }
        guard !care.sessions.isEmpty else {
            throw CommandFailure("no sessions of client \(client) in \(places.joined(separator: ", "))")
        }
        print(TerminalReport.render(care), terminator: "")
        do {
            if let html { try write(HTMLReport.render(care), to: html) }
            if let csv { try write(CSVReport.render(care), to: csv) }
        } catch {
            throw CommandFailure(TerminalText.escaped(error.description, limit: 400))
        }
    }

    private func write(_ text: String, to path: String) throws(SystemError) {
        let out = try FileWriter(creating: path)
        try out.write(text)
        try out.close()
    }
}
