import ArgumentParser
import HoldfastEmulation
import HoldfastReplay

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Synthesise a trace (and its ground truth) from a scenario file.",
        discussion: "Scenario files live in Simulator/scenarios; their format is described in Simulator/README.md.")

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(help: "Where to write the trace (CSV).")
    var trace: String

    @Option(help: "Where to write the ground truth (JSON Lines).")
    var truth: String?

    func run() throws {
        do {
            let scenario = try ScenarioFile.load(scenario)
            try ScenarioFile.writeTrace(scenario, to: trace)
            if let truth { try ScenarioFile.writeTruth(scenario, to: truth) }
            print("wrote \(trace)\(truth.map { " and \($0)" } ?? "") from scenario \(scenario.name)")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
