import HoldfastPOSIX
import ArgumentParser
import HoldfastReplay
import HoldfastEmulation

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a force trace (CSV) through the detector and write a session file.",
        discussion: """
            The trace is CSV with a header "time_s,force_n", optionally followed by ",point" and ",event" \
            (event "ppt": the client signalled at that row, a PPT trial); \
            "#" lines are comments. The session file is JSON Lines (docs/session-format.md). \
            It is written as SESSION.partial and renamed to SESSION only when complete.
            """)

    @Argument(help: "The trace to replay.")
    var trace: String

    @Option(help: "Where to write the session file (JSON Lines).")
    var session: String?

    @OptionGroup var detection: DetectionOptions

    @Option(help: ArgumentHelp("Drive the trace through an emulated chip and the real driver: nau7802, ads1115 or ads1015.",
                               valueName: "chip"))
    var sensor: String?

    @Option(help: ArgumentHelp("Faults to inject into the emulated sensor, e.g. \"nack@12+0.2,vanish@30+2,stuck@50+1,saturate@70+0.5,latency=300us\".",
                               valueName: "faults"))
    var faults: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        var options = ReplayOptions(tracePath: trace, sessionPath: session)
        try detection.apply(to: &options)
        if let sensor {
            guard let chip = EmulatedChip(rawValue: sensor) else {
                throw ValidationError("--sensor \(sensor): not one of \(EmulatedChip.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.sensor = chip
        }
        if let faults {
            guard options.sensor != nil else { throw ValidationError("--faults needs --sensor") }
            do { options.faults = try FaultPlan(parsing: faults) } catch { throw ValidationError("--faults: \(error)") }
        }
        let result: ReplayResult
        do { result = try Replay.run(options) } catch {
            if error.isUsageError { throw usageFailure(error.description) }
            throw CommandFailure(error.description)
        }
        if !quiet { print(SummaryReport.render(result, session: session), terminator: "") }
    }
}

/// A failure reported as one line on stderr and a non-zero exit, without a usage dump.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A bad option that only running the command reveals (a cutoff too high for
/// the trace's rate, a flag the configuration check refuses): reported on one
/// line like a CommandFailure, with the usage-error exit status 64 that
/// ArgumentParser gives the options it checks itself.
func usageFailure(_ message: String) -> ExitCode {
    printError("Error: " + message)
    return ExitCode.validationFailure
}

/// One line on standard error (progress and log lines; the result goes to standard output).
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// An environment variable set to something non-empty.
func environmentFlag(_ name: String) -> Bool {
    getenv(name).map { $0.pointee != 0 } ?? false
}
