import HoldfastCore
import HoldfastEmulation
import Testing

@Suite("Scenarios")
struct ScenarioTests {
    @Test func parsesProfileAndImperfections() throws {
        let s = try Scenario(parsing: """
            rate_hz 500   # comment
            seed 9
            noise_n 0.2
            tremor 0.5 10
            point upper trapezius L
            ramp 30 2
            hold 10
            lift 0.2
            tap 5 0.4
            """, name: "t", source: "t.scenario")
        #expect(s.rateHz == 500)
        #expect(s.seed == 9)
        #expect(s.tremor == Scenario.Tremor(amplitudeN: 0.5, fractionOfForce: nil, frequencyHz: 10))
        #expect(s.points == [Scenario.PointChange(timeS: 0, label: "upper trapezius L")])
        #expect(abs(s.durationS - 12.6) < 1e-12)
        #expect(s.cleanForce(at: 1) == 15)
        #expect(s.cleanForce(at: 12.1) == 0)        // the middle of the lift
        #expect(abs(s.cleanForce(at: 12.4) - 5) < 1e-9)  // the top of the tap
    }

    /// A scenario saved with CRLF (or CR) line endings reads as the same scenario,
    /// and a `#` inside a label is part of the label.
    @Test(arguments: ["\r\n", "\r"])
    func anyLineEndingReadsTheSame(ending: String) throws {
        let lines = ["# a comment", "rate_hz 500", "point trap L#1  # the second one", "ramp 30 2", "hold 10"]
        let lf = try Scenario(parsing: lines.joined(separator: "\n"), name: "t", source: "t.scenario")
        let other = try Scenario(parsing: "\u{FEFF}" + lines.joined(separator: ending), name: "t", source: "t.scenario")
        #expect(other == lf)
        #expect(lf.points.map(\.label) == ["trap L#1"])
        let bad = "rate_hz 500" + ending + "bogus 1"
        #expect { try Scenario(parsing: bad, name: "t", source: "t.scenario") } throws: { error in
            (error as? ScenarioError)?.line == 2
        }
    }

    @Test(arguments: [
        ("bogus 1", "t.scenario:1: unknown keyword \"bogus\""),
        ("rate_hz 5", "t.scenario:1: rate_hz 5.0 is out of range"),
        ("\nramp 30", "t.scenario:2: ramp takes 2 numbers, found 1"),
        ("ramp x 2", "t.scenario:1: ramp: \"x\" is not a non-negative number"),
        ("ramp 10 0", "t.scenario:1: ramp needs a duration above 0"),
        ("point\nramp 1 1", "t.scenario:1: point needs a label"),
        ("rate_hz 100", "t.scenario:1: the scenario has no profile"),
        ("ramp 9000 1", "t.scenario:1: force 9000.0 N is above"),
        // These parsed, then trapped (or ran for ever) when synthesised.
        ("ramp 10 1\ntap 1e300 0.2", "t.scenario:2: tap: 1e300 is out of range"),
        ("ramp 10 1\ntap 9000 0.2", "t.scenario:2: tap: 9000.0 N is above"),
        ("noise_n 5000.5\nramp 10 1\nnoise_n 9e3", "t.scenario:3: noise_n: 9000.0 N is above"),
        ("ramp 10 1\nhold 1e300", "t.scenario:2: hold: 1e300 is out of range"),
        ("ramp 10 1\nhold 86000\nhold 401", "t.scenario:3: the scenario runs past 86400 s"),
        ("ramp 10 1\nlift 1 1e9", "t.scenario:2: lift: 1e9 is out of range"),
        // Test, treat, retest: a PPT with no ramp, a threshold already passed, an outcome out of range.
        ("hold 1\nppt 0 20 0.4", "t.scenario:2: ppt needs a ramp rate above 0 N/s"),
        ("ramp 30 1\nppt 5 20 0.4", "t.scenario:2: ppt: the threshold 20.0 N must lie above the force before the trial"),
        ("hold 1\nppt 5 20", "t.scenario:2: ppt takes 3 to 4 numbers"),
        ("hold 1\noutcome pain 11", "t.scenario:2: outcome: pain 11.0 is out of range"),
        ("hold 1\noutcome mood 3", "t.scenario:2: outcome: unknown outcome \"mood\""),
        ("date 2026-13-01\nhold 1", "t.scenario:1: date takes one day, YYYY-MM-DD"),
        ("client a b\nhold 1", "t.scenario:1: client takes one pseudonym"),
    ])
    func errorsNameTheLine(text: String, expected: String) {
        do {
            _ = try Scenario(parsing: text, name: "t", source: "t.scenario")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "got \(error.description)")
        }
    }

    /// A scripted trial: the ramp from the force before, the signal a reaction time after the threshold,
    /// the release; outcomes at their time; the trace flags the first row at or after the signal.
    @Test func pptTrialsAndOutcomesAreScripted() throws {
        let s = try Scenario(parsing: "rate_hz 100\nclient jd42\ndate 2026-03-02\nhold 2\noutcome pain 6 now\nppt 5 20 0.4 1\nhold 1\n",
                             name: "t", source: "t.scenario")
        #expect(s.client == "jd42" && s.date == "2026-03-02")
        #expect(s.outcomes.map(\.timeS) == [2] && s.outcomes.map(\.words) == ["pain 6 now"])
        let trial = try #require(s.trials.first)
        #expect(trial.startS == 2 && trial.rateNPerS == 5 && trial.thresholdN == 20 && trial.reactionS == 0.4)
        #expect(abs(trial.signalS - (2 + 20.0 / 5 + 0.4)) < 1e-9)
        #expect(abs(trial.signalForceN - 22) < 1e-9)
        #expect(abs(s.cleanForce(at: trial.signalS) - 22) < 1e-9)
        #expect(s.cleanForce(at: trial.signalS + 1) == 0)
        var flagged: [Int64] = []
        try TraceSynthesizer(s).forEachRow { if $0.signal { flagged.append($0.timeNs) } }
        #expect(flagged.count == 1)
        let first = try #require(flagged.first)
        #expect(first >= Int64(trial.signalS * 1e9) && first < Int64((trial.signalS + 0.01) * 1e9) + 1_000_000, "\(first)")
    }

    @Test func synthesisIsDeterministicAndSeeded() throws {
        let text = "rate_hz 1000\nnoise_n 0.3\ntremor 0.5 10\nmains 0.2 50\nspikes 2 10 2\njitter_us 100\ndropouts 1 0.05\nramp 20 1\nhold 3\n"
        func rows(seed: UInt64) throws -> [TraceSynthesizer.Row] {
            var s = try Scenario(parsing: text, name: "d", source: "d")
            s.seed = seed
            var out: [TraceSynthesizer.Row] = []
            try TraceSynthesizer(s).forEachRow { out.append($0) }
            return out
        }
        let a = try rows(seed: 1), b = try rows(seed: 1), c = try rows(seed: 2)
        #expect(a == b)
        #expect(a != c)
        // Dropouts removed rows; time never goes backwards despite jitter.
        #expect(a.count < 4001)
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.timeNs <= $1.timeNs })
    }

    @Test func groundTruthAppliesTheHoldRules() throws {
        let s = try Scenario(parsing: """
            point A
            ramp 20 1        # crosses 5 N at 0.25 s
            hold 10
            lift 0.2         # below 3 N for 0.17 s: same hold
            hold 5
            ramp 0 1         # crosses 3 N at 16.05 s
            hold 1
            tap 10 1         # a touch
            hold 1
            """, name: "g", source: "g")
        let truth = GroundTruth(scenario: s)
        #expect(truth.touches == 1)
        let h = try #require(truth.holds.first)
        #expect(truth.holds.count == 1)
        #expect(abs(h.startS - 0.25) < 1e-9)
        #expect(abs(h.endS - (16.2 + 0.85)) < 1e-9)
        #expect(h.point == "A")
        #expect(h.peakN == 20)
    }

    @Test func deterministicTrigonometryMatchesLibmClosely() {
        for i in 0..<1000 {
            let x = Double(i) * 0.0123 - 6
            #expect(abs(DeterministicMath.sin(x) - sin(x)) < 1e-13)
            #expect(abs(DeterministicMath.cos(x) - cos(x)) < 1e-13)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
