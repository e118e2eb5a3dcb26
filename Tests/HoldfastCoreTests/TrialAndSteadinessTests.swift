import HoldfastCore
import Testing

/// PPT trials and hold steadiness on exact piecewise-linear signals sampled
/// at 100 Hz, where the expected numbers are worked out by hand.
@Suite("PPT trials and steadiness")
struct TrialAndSteadinessTests {
    enum Seen: Equatable {
        case hold(HoldRecord)
        case trial(TrialRecord)
        case touch
    }

    /// Samples `profile` every 10 ms; `signals` are times (s) at which the client signals.
    func run(_ profile: [(Double, Double)], signals: [Double] = [], outcomes: inout [SignalOutcome]) throws -> [Seen] {
        var detector = try HoldDetector(thresholds: HoldRules.standard.thresholds(for: .standard),
                                        zones: PressureScale.standard.zoneThresholds)
        var seen: [Seen] = []
        var pending = signals
        func note(_ e: DetectorEvent) {
            switch e {
            case .holdCompleted: seen.append(.hold(detector.lastHold))
            case .trialCompleted: seen.append(.trial(detector.lastTrial))
            case .touchCompleted: seen.append(.touch)
            default: break
            }
        }
        let end = profile.last!.0
        var i = 0, k = 0
        while Double(i) * 0.01 <= end + 1e-9 {
            let t = Double(i) * 0.01
            while k + 1 < profile.count && profile[k + 1].0 <= t { k += 1 }
            let f = k + 1 < profile.count
                ? profile[k].1 + (t - profile[k].0) * (profile[k + 1].1 - profile[k].1) / (profile[k + 1].0 - profile[k].0)
                : profile[k].1
            // A signal is delivered between samples: after the last sample before its time.
            while let s = pending.first, s <= t {
                outcomes.append(detector.signal(atNs: Int64((s * 1e9).rounded())))
                pending.removeFirst()
            }
            note(detector.step(timeNs: Int64(i) * 10_000_000, force: Q16.fromNewtons(f)!))
            i += 1
        }
        note(detector.finish())
        return seen
    }

    @Test func aContactWithASignalIsATrialWithTheForceAtTheSignal() throws {
        // A 5 N/s ramp from 0 at 1 s; the client signals at 6.5 s (27.5 N), then the therapist lets go.
        var outcomes: [SignalOutcome] = []
        let seen = try run([(0, 0), (1, 0), (8, 35), (8.5, 0), (10, 0)], signals: [6.5], outcomes: &outcomes)
        #expect(outcomes == [.accepted])
        try #require(seen.count == 1)
        guard case .trial(let trial) = seen[0] else { Issue.record("not a trial: \(seen)"); return }
        #expect(abs(Q16.newtons(trial.thresholdForce) - 27.5) < 0.01)
        #expect(abs(trial.rampNewtonsPerSecond - 5) < 0.01)
        #expect(abs(Double(trial.startNs) / 1e9 - 2) < 0.001)  // 5 N one second up the ramp
        #expect(trial.signalNs == 6_500_000_000)
    }

    @Test func aSignalBetweenSamplesIsInterpolatedAndOnlyTheFirstCounts() throws {
        var outcomes: [SignalOutcome] = []
        let seen = try run([(0, 0), (1, 0), (8, 35), (8.5, 0), (10, 0)], signals: [4.005, 5], outcomes: &outcomes)
        #expect(outcomes == [.accepted, .repeated])
        guard case .trial(let trial)? = seen.first else { Issue.record("no trial: \(seen)"); return }
        #expect(abs(Q16.newtons(trial.thresholdForce) - 15.025) < 0.01)
    }

    @Test func aSignalWithNoContactIsRefusedAndTheHoldStaysAHold() throws {
        var outcomes: [SignalOutcome] = []
        let seen = try run([(0, 0), (0.5, 0), (1, 20), (6, 20), (6.5, 0), (8, 0)], signals: [0.2, 7], outcomes: &outcomes)
        #expect(outcomes == [.noContact, .noContact])
        #expect(seen.count == 1)
        if case .hold = seen.first {} else { Issue.record("expected a hold: \(seen)") }
    }

    @Test func aTrialShorterThanAHoldIsStillATrialNotATouch() throws {
        var outcomes: [SignalOutcome] = []
        let seen = try run([(0, 0), (1, 0), (1.5, 20), (1.7, 0), (3, 0)], signals: [1.45], outcomes: &outcomes)
        #expect(outcomes == [.accepted])
        #expect(seen.count == 1)
        if case .trial = seen.first {} else { Issue.record("expected a trial: \(seen)") }
    }

    @Test func sagWobbleAndEstablishedLevelOfAFadingHold() throws {
        // Ramp to 40 N in 2 s, fade linearly to 32 N over 60 s, release in 1 s.
        var outcomes: [SignalOutcome] = []
        let seen = try run([(0, 0), (2, 40), (62, 32), (63, 0), (65, 0)], outcomes: &outcomes)
        guard case .hold(let hold)? = seen.first, let s = hold.steadiness else { Issue.record("no steadiness: \(seen)"); return }
        // The plateau starts with the first bin after the ramp (2.5 s from the contact's start at 0.25 s)
        // and ends before the release: its first 10 s average ≈ 39.3 N, its last ≈ 32.7 N: a sag of ≈ 17 %.
        let sag = try #require(s.sagPermille)
        #expect((160...175).contains(sag), "sag \(sag) ‰")
        // A linear fade of 8 N around 36 N: σ = 8/√12 ≈ 2.31 N, 6.4 % of the mean.
        #expect((58...70).contains(s.wobblePermille), "wobble \(s.wobblePermille) ‰")
        #expect(abs(Q16.newtons(s.establishedForce) - 39.3) < 0.5)
        #expect(abs(Double(s.plateauNs) / 1e9 - 59.5) <= 1)
    }

    @Test func aSteadyHoldHasNoSagAndARisingOneANegativeSag() throws {
        var outcomes: [SignalOutcome] = []
        let steady = try run([(0, 0), (2, 30), (40, 30), (41, 0), (42, 0)], outcomes: &outcomes)
        guard case .hold(let h)? = steady.first, let s = h.steadiness else { Issue.record("no steadiness"); return }
        #expect(s.sagPermille == 0)
        #expect(s.wobblePermille == 0)
        let rising = try run([(0, 0), (2, 30), (42, 40), (43, 0), (44, 0)], outcomes: &outcomes)
        guard case .hold(let r)? = rising.first, let rs = r.steadiness else { Issue.record("no steadiness"); return }
        #expect(try #require(rs.sagPermille) < -200)
    }

    @Test func aShortPressHasNoSteadiness() throws {
        var outcomes: [SignalOutcome] = []
        let seen = try run([(0, 0), (0.5, 20), (2.2, 20), (2.7, 0), (4, 0)], outcomes: &outcomes)
        guard case .hold(let h)? = seen.first else { Issue.record("no hold"); return }
        #expect(h.steadiness == nil)
    }
}
