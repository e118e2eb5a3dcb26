import ArgumentParser
import HoldfastReplay

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Synthesise a bundled session, replay it, and print what a therapist would see afterwards.")

    @Option(help: "The scenario to play.")
    var scenario = "Simulator/scenarios/demo-session.scenario"

    @Option(help: "Directory for the generated trace and session file (default: a new temporary directory).")
    var workDir: String?

    func run() throws {
        do {
            let directory = try workDir ?? ScenarioFile.temporaryDirectory()
            let loaded = try ScenarioFile.load(scenario)
            let trace = directory + "/\(loaded.name).csv"
            let session = directory + "/\(loaded.name).session.jsonl"
            try ScenarioFile.writeTrace(loaded, to: trace)
            print("Synthesised \(loaded.name): \(Int(loaded.durationS)) s at \(loaded.rateHz) Hz -> \(trace)")
            let result = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: session))
            print(SummaryReport.render(result, session: session), terminator: "")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
