import ArgumentParser
import HoldfastReplay
import HoldfastSimulator

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Synthesise a bundled session, read it through an emulated sensor, and print what a therapist would see afterwards.")

    @Option(help: "The scenario to play.")
    var scenario = "Simulator/scenarios/demo-session.scenario"

    @Option(help: "Directory for the generated trace and session file (default: a new temporary directory).")
    var workDir: String?

    @Option(help: "The emulated chip the session is read through (nau7802, ads1115, ads1015), or none for the bare trace.")
    var sensor = "nau7802"

    func validate() throws {
        guard sensor == "none" || EmulatedChip(rawValue: sensor) != nil else {
            throw ValidationError("--sensor \(sensor): not one of nau7802, ads1115, ads1015, none")
        }
    }

    func run() throws {
        do {
            let directory = try workDir ?? ScenarioFile.temporaryDirectory()
            let loaded = try ScenarioFile.load(scenario)
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
