import Foundation
import HoldfastCore
import HoldfastReplay
import HoldfastEmulation
import HoldfastTestSupport
import Testing

/// Every bundled scenario, synthesised at test time, replayed through the
/// real pipeline and checked against its ground truth: hold count exact,
/// start, end and hold time within ±0.1 s, mean force within 2 %; beyond the
/// brief, peak force within 1.5 N (filter overshoot plus tremor) and time in
/// the target and over zones within 0.25 s, plus 0.1 s for each dip the
/// hold bridged (the filter rounds a fast dip's edges). The session
/// file must also match its golden copy byte for byte (set
/// HOLDFAST_UPDATE_GOLDEN=1 to regenerate after an intended change).
@Suite("Scenario suite")
struct ScenarioSuiteTests {
    static let names = RepositoryPaths.scenarioNames()
    /// Scenarios whose imperfections are all in the force itself. Spikes are
    /// sensor-side glitches one or two conversions long; put into the force,
    /// a chip sampling at another rate would stretch them over many
    /// conversions, which is not what a real glitch looks like.
    static let forceOnlyNames = names.filter {
        (try? ScenarioFile.load(RepositoryPaths.scenarios + "/\($0).scenario"))?.spikes == nil
    }

    @Test("bundled scenarios exist")
    func scenariosArePresent() {
        #expect(Self.names.count >= 19)
        #expect(Self.forceOnlyNames.count == Self.names.count - 1)
    }

    @Test("replay matches ground truth", arguments: names)
    func replayMatchesTruth(name: String) throws {
        let scratch = try ScratchDirectory()
        let scenario = try ScenarioFile.load(RepositoryPaths.scenarios + "/\(name).scenario")
        let truth = GroundTruth(scenario: scenario)
        let trace = scratch.file("\(name).csv")
        let session = scratch.file("\(name).session.jsonl")
        try ScenarioFile.writeTrace(scenario, to: trace)
        let result = try Replay.run(Self.options(for: scenario, trace: trace, session: session))

        try Self.expectMatchesTruth(session: session, result: result, truth: truth, name: name)

        let golden = RepositoryPaths.golden + "/\(name).session.jsonl"
        let produced = try String(contentsOfFile: session, encoding: .utf8)
        if ProcessInfo.processInfo.environment["HOLDFAST_UPDATE_GOLDEN"] == "1" {
            try produced.write(toFile: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(produced == expected, "\(name): session differs from \(golden)")
    }

    /// Every bundled scenario through each emulated chip and the real driver:
    /// the same tolerances hold, whatever the chip's own rate.
    @Test("emulated sensors match ground truth", arguments: EmulatedChip.allCases, forceOnlyNames)
    func sensorReplayMatchesTruth(chip: EmulatedChip, name: String) throws {
        let scratch = try ScratchDirectory()
        let scenario = try ScenarioFile.load(RepositoryPaths.scenarios + "/\(name).scenario")
        let trace = scratch.file("\(name).csv")
        let session = scratch.file("\(name).\(chip).jsonl")
        try ScenarioFile.writeTrace(scenario, to: trace)
        var options = Self.options(for: scenario, trace: trace, session: session)
        options.sensor = chip
        let result = try Replay.run(options)
        #expect(result.acquisition?.errors == 0)
        try Self.expectMatchesTruth(session: session, result: result, truth: GroundTruth(scenario: scenario),
                                    name: "\(name) on \(chip)")
    }

    /// How a scenario is replayed: as `holdfast replay` would, with `--zero-tracking` for an un-zeroed logger's.
    /// The client's scale comes from the trace's `# scale:` line.
    static func options(for scenario: Scenario, trace: String, session: String) -> ReplayOptions {
        var options = ReplayOptions(tracePath: trace, sessionPath: session)
        if scenario.baseline != nil { options.zeroTracking = true }
        return options
    }

    static func expectMatchesTruth(session: String, result: ReplayResult, truth: GroundTruth, name: String) throws {
        let holds = try readJSONLines(session).filter { $0["type"] as? String == "hold" }
        #expect(holds.count == truth.holds.count, "hold count in \(name)")
        #expect(result.summary.touches == truth.touches, "touch count in \(name)")
        for (got, want) in zip(holds, truth.holds) {
            let start = try #require(got["start_s"] as? Double)
            let end = try #require(got["end_s"] as? Double)
            let hold = try #require(got["hold_s"] as? Double)
            let mean = try #require(got["mean_n"] as? Double)
            #expect(abs(start - want.startS) <= 0.1, "\(name): start \(start) vs \(want.startS)")
            #expect(abs(end - want.endS) <= 0.1, "\(name): end \(end) vs \(want.endS)")
            #expect(abs(hold - want.holdS) <= 0.1, "\(name): hold \(hold) vs \(want.holdS)")
            #expect(abs(mean - want.meanN) <= 0.02 * want.meanN, "\(name): mean \(mean) vs \(want.meanN)")
            let peak = try #require(got["peak_n"] as? Double)
            let target = try #require(got["target_s"] as? Double)
            let over = try #require(got["over_s"] as? Double)
            #expect(abs(peak - want.peakN) <= 1.5, "\(name): peak \(peak) vs \(want.peakN)")
            let zoneTolerance = 0.25 + 0.1 * Double(want.regrips)
            #expect(abs(target - want.targetS) <= zoneTolerance, "\(name): target time \(target) vs \(want.targetS)")
            #expect(abs(over - want.overS) <= zoneTolerance, "\(name): over time \(over) vs \(want.overS)")
            #expect(got["point"] as? String == want.point, "\(name): point")
        }
        // PPT trials: threshold within 3 % or 0.5 N, ramp within 10 %, phase and point exact.
        let trials = try readJSONLines(session).filter { $0["type"] as? String == "ppt" }
        #expect(trials.count == truth.trials.count, "trial count in \(name)")
        for (got, want) in zip(trials, truth.trials) {
            let force = try #require(got["force_n"] as? Double)
            let rate = try #require(got["rate_n_s"] as? Double)
            #expect(abs(force - want.thresholdN) <= max(0.03 * want.thresholdN, 0.5),
                    "\(name): threshold \(force) vs \(want.thresholdN)")
            #expect(abs(rate - want.rateNPerS) <= 0.1 * want.rateNPerS, "\(name): ramp \(rate) vs \(want.rateNPerS)")
            #expect(got["phase"] as? String == want.phase, "\(name): phase at \(want.signalS) s")
            #expect(got["point"] as? String == want.point, "\(name): trial point")
            let time = try #require(got["time_s"] as? Double)
            #expect(abs(time - want.signalS) <= 1.5 / 320, "\(name): signal at \(time) vs \(want.signalS)")
        }
    }
}
