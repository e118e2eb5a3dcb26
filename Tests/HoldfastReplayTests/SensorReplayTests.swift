import Foundation
import HoldfastCore
import HoldfastReplay
import HoldfastEmulation
import HoldfastTestSupport
import Testing

/// Faults and drift through the whole sensor path: the session still
/// matches the truth, and the acquisition says what happened.
@Suite("Sensor replay")
struct SensorReplayTests {
    func run(_ scenarioName: String, chip: EmulatedChip, in scratch: ScratchDirectory, faults: String = "",
             frontEnd: FrontEnd? = nil, zeroTracking: Bool? = nil) throws -> (ReplayResult, GroundTruth, String) {
        let scenario = try ScenarioFile.load(RepositoryPaths.scenarios + "/\(scenarioName).scenario")
        let trace = scratch.file("t.csv")
        try ScenarioFile.writeTrace(scenario, to: trace)
        var options = ReplayOptions(tracePath: trace, sessionPath: scratch.file("s.jsonl"))
        options.sensor = chip
        options.faults = try FaultPlan(parsing: faults)
        options.frontEnd = frontEnd
        options.zeroTracking = zeroTracking
        return (try Replay.run(options), GroundTruth(scenario: scenario), scratch.file("s.jsonl"))
    }

    /// Faults between holds: a NACK burst, the chip vanishing for two seconds,
    /// a stuck data-ready line. Every hold is still found and measured.
    @Test(arguments: EmulatedChip.allCases)
    func faultsBetweenHoldsLoseNoHold(chip: EmulatedChip) throws {
        // tremor-mains-500hz: holds at about 3–40 s, 46–93 s, 101–164 s.
        let scratch = try ScratchDirectory()
        let (result, truth, session) = try run("tremor-mains-500hz", chip: chip, in: scratch,
                                               faults: "nack@42+0.1,vanish@95+2,stuck@41+2")
        let a = try #require(result.acquisition)
        #expect(a.errors > 0)
        #expect(a.recoveries >= 2)
        #expect(a.longestGapNs >= 2_000_000_000)
        #expect(a.polledSamples > 0)
        try ScenarioSuiteTests.expectMatchesTruth(session: session, result: result, truth: truth, name: "faults on \(chip)")
        let summary = try #require(try readJSONLines(session).last)
        let acquisition = try #require(summary["acquisition"] as? [String: Any])
        #expect(acquisition["recoveries"] as? Int == a.recoveries)
    }

    /// A chip that vanishes for half a second mid-hold: no samples say the
    /// press stopped, and the gap is shorter than a re-grip, so the hold goes
    /// on and says it has a gap.
    @Test func aShortVanishMidHoldMarksTheHold() throws {
        let scratch = try ScratchDirectory()
        let (result, truth, session) = try run("single-hold-1khz", chip: .nau7802, in: scratch, faults: "vanish@30+0.5")
        #expect(truth.holds.count == 1)
        let hold = try #require(result.summary.holds.first)
        #expect(result.summary.holds.count == 1)
        #expect(hold.record.gaps == 1)
        #expect(!hold.record.endedByGap)
        #expect(result.acquisition?.gaps == 1)
        let line = try #require(try readJSONLines(session).first { $0["type"] as? String == "hold" })
        #expect(line["gaps"] as? Int == 1)
    }

    /// Gone for two seconds mid-hold: longer than any dip a hold can bridge, so the hold
    /// ends at the last sample before the gap, marked, and the press after it is a new hold.
    @Test func aLongVanishMidHoldEndsTheHoldAndMarksIt() throws {
        let scratch = try ScratchDirectory()
        let (result, _, session) = try run("single-hold-1khz", chip: .nau7802, in: scratch, faults: "vanish@30+2")
        let holds = result.summary.holds
        try #require(holds.count == 2)
        #expect(holds[0].record.endedByGap)
        #expect(abs(Double(holds[0].record.endNs) / 1e9 - 30) < 0.15)
        #expect(!holds[1].record.endedByGap)
        #expect(result.summary.gaps == 1)
        let lines = try readJSONLines(session)
        #expect(lines.first { $0["type"] as? String == "hold" }?["cut_by_gap"] as? Bool == true)
        #expect(lines.contains { $0["type"] as? String == "gap" && ($0["missing_s"] as? Double ?? 0) >= 2 })
    }

    /// A load cell whose zero drifts by 2.4 N a minute: with zero tracking
    /// the holds match the truth; without it they do not.
    @Test func zeroTrackingFollowsDriftBetweenHolds() throws {
        var drifting = FrontEnd.buttonLoadCell
        drifting.driftVoltsPerSecond = 0.04 * drifting.voltsPerNewton  // 0.04 N/s
        let scratch = try ScratchDirectory()
        let (tracked, truth, session) = try run("nimmo-series", chip: .nau7802, in: scratch, frontEnd: drifting)
        try ScenarioSuiteTests.expectMatchesTruth(session: session, result: tracked, truth: truth, name: "drift, tracked")
        let (untracked, _, _) = try run("nimmo-series", chip: .nau7802, in: try ScratchDirectory(), frontEnd: drifting,
                                        zeroTracking: false)
        let lastTruth = try #require(truth.holds.last)
        let lastUntracked = try #require(untracked.summary.holds.last)
        #expect(abs(Q16.newtons(lastUntracked.record.meanForce) - lastTruth.meanN) > 0.02 * lastTruth.meanN)
    }

    @Test func faultsNeedTheirOwnClearErrors() {
        #expect(throws: FaultPlanError.malformed("nack@x")) { try FaultPlan(parsing: "nack@x") }
    }
}
