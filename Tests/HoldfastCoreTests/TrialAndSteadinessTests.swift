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

/// PPT trials through the whole chain (spike rejector, low-pass, delay correction), where the
/// filter smooths the peak a signal makes when the therapist lets go at once.
@Suite("PPT threshold through the filter")
struct PPTThroughTheFilterTests {
    /// Ramps at `rate` N/s from 0 to `peak` N, signals there, then releases to 0 over `releaseS`
    /// (after holding for `plateauS`); returns the recorded threshold.
    static func threshold(sampleRateHz: Double, rate: Double, peak: Double, plateauS: Double, releaseS: Double) throws -> Double? {
        var chain = try SignalChain(SignalConfig(calibration: try ForceCalibration(offset: 0, newtonsPerCount: 1e-4),
                                                 sampleRateHz: sampleRateHz))
        let rampStart = 1.0, signalS = rampStart + peak / rate
        let end = signalS + plateauS + releaseS + 2
        let stepNs = 1e9 / sampleRateHz
        var signalled = false
        for i in 0..<Int(end * sampleRateHz) {
            let t = Double(i) * stepNs / 1e9
            let force = t < rampStart ? 0
                : t < signalS ? (t - rampStart) * rate
                : t < signalS + plateauS ? peak
                : max(0, peak * (1 - (t - signalS - plateauS) / releaseS))
            let flags: SampleFlags = !signalled && t >= signalS ? .signal : []
            if !flags.isEmpty { signalled = true }
            let event = chain.process(Sample(timestampNs: Int64((Double(i) * stepNs).rounded()),
                                             raw: Int32((force * 10_000).rounded()), flags: flags))
            if event.contains(.trialCompleted) { return Q16.newtons(chain.detector.lastTrial.thresholdForce) }
        }
        return nil
    }

    /// The therapist lets go the moment the client signals (the sharpest peak a trial makes) or
    /// a moment later: the threshold is the force at the signal, within 0.1 N, at every rate.
    @Test(arguments: [80.0, 320.0, 1000.0, 3300.0])
    func theThresholdIsTheForceAtTheSignal(sampleRateHz: Double) throws {
        for (rate, peak) in [(3.0, 18.0), (5.0, 27.5), (10.0, 45.0)] {
            for plateauS in [0.0, 0.3] {
                let got = try #require(try Self.threshold(sampleRateHz: sampleRateHz, rate: rate, peak: peak,
                                                          plateauS: plateauS, releaseS: 0.5))
                #expect(abs(got - peak) < 0.1, "\(sampleRateHz) SPS, \(rate) N/s to \(peak) N, plateau \(plateauS) s: \(got) N")
            }
        }
    }
}
