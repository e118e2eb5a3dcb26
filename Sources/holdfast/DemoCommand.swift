import ArgumentParser
import FoundationEssentials
import HoldfastPOSIX
import HoldfastReplay
import HoldfastTerminal
import HoldfastEmulation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A treatment session, live: the daemon on an emulated sensor and the therapist's view.",
        discussion: """
            Starts `holdfast daemon` on an emulated sensor playing the bundled session in real time, with its \
            state in a temporary directory, and opens `holdfast watch` on it. Ctrl-C (or q) ends both; the \
            session file is kept. --replay instead replays the session at full speed and prints the summary. \
            --retest plays a short test, treat, retest at one point instead: three pressure-pain threshold \
            trials (the emulated button is the client's "now"), a 90 s hold, three trials again, and what the \
            client reports before and after.
            """)

    @Flag(help: "Replay at full speed and print the summary instead of the live view.")
    var replay = false

    @Option(help: "Play the session this many times faster than real time (live mode).")
    var speed = 1.0

    @Option(help: "The scenario to play.")
    var scenario = "Simulator/scenarios/demo-session.scenario"

    @Flag(help: "A short test, treat, retest at one point (PPT trials before and after a hold).")
    var retest = false

    /// The scenario played: --retest's, or --scenario.
    var played: String { retest ? "Simulator/scenarios/test-treat-retest.scenario" : scenario }

    @Option(help: "Directory for the generated trace and session file (default: a new temporary directory).")
    var workDir: String?

    @Option(help: "The emulated chip the session is read through (nau7802, ads1115, ads1015), or none for the bare trace.")
    var sensor = "nau7802"

    func validate() throws {
        guard speed.isFinite, speed >= 0.1, speed <= 1000 else { throw ValidationError("--speed \(speed): 0.1 to 1000") }
        guard sensor == "none" || EmulatedChip(rawValue: sensor) != nil else {
            throw ValidationError("--sensor \(sensor): not one of nau7802, ads1115, ads1015, none")
        }
    }

    func run() throws {
        if !replay { return try runLive() }
        do {
            let directory = try workDir ?? makeTemporaryDirectory()
            let loaded = try ScenarioFile.load(played)
            let trace = directory + "/\(loaded.name).csv"
            let session = directory + "/\(loaded.name).session.jsonl"
            try ScenarioFile.writeTrace(loaded, to: trace)
            print("Synthesised \(loaded.name): \(Int(loaded.durationS)) s at \(loaded.rateHz) Hz -> \(trace)")
            var options = ReplayOptions(tracePath: trace, sessionPath: session)
            options.sensor = EmulatedChip(rawValue: sensor)
            if let chip = options.sensor { print("Reading it through an emulated \(chip.rawValue) and the real driver") }
            let result = try Replay.run(options)
            print(SummaryReport.render(result, session: session), terminator: "")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

extension DemoCommand {
    func runLive() throws {
        let directory: String
        let loaded: Scenario
        let trace: String
        do {
            directory = try workDir ?? makeTemporaryDirectory()
            loaded = try ScenarioFile.load(played)
            trace = directory + "/\(loaded.name).csv"
            try ScenarioFile.writeTrace(loaded, to: trace)
        } catch {
            throw CommandFailure("\(error)")
        }
        let socket = directory + "/holdfast.sock"
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let arguments = ["daemon", "--bus", "emulated", "--sensor", sensor == "none" ? "nau7802" : sensor,
                            "--emulate-trace", trace, "--emulate-speed", "\(speed)", "--socket", socket,
                            "--state-dir", directory + "/sessions", "--realtime-priority", "off", "--client", "demo"]
        let daemon: ChildProcess
        do { daemon = try ChildProcess(path: executable, arguments: arguments) } catch {
            throw CommandFailure("cannot start the daemon: \(error)")
        }
        defer {
            daemon.terminate()  // SIGTERM: the daemon closes the session cleanly
            print("Session files: \(directory)/sessions (holdfast session show FILE)")
        }
        // Give the daemon a moment to open its socket; watch keeps retrying anyway.
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
        print("Demo: \(loaded.name), \(Int(loaded.durationS)) s on an emulated \(sensor) at \(speed)× — q or Ctrl-C to stop")
        let noColor = environmentFlag("NO_COLOR")
        _ = Watch(socketPath: socket, plain: false, kgf: false, color: !noColor).run()
    }
}
