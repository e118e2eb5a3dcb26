import HoldfastCore
import Testing

/// The detector on exact, noise-free piecewise-linear signals sampled at
/// 100 Hz, where every expected number can be worked out by hand.
@Suite("Hold detector")
struct HoldDetectorTests {
    struct Run {
        var holds: [HoldRecord] = []
        var touches = 0
        var detector: HoldDetector
    }

    /// Samples `profile` (time s, force N breakpoints) every 10 ms and runs the detector.
    func detect(_ profile: [(Double, Double)], scale: PressureScale = .standard,
                finish: Bool = true) throws -> Run {
        var detector = try HoldDetector(thresholds: HoldRules.standard.thresholds(for: .standard), zones: scale.zoneThresholds)
        var run = Run(detector: detector)
        let end = profile.last!.0
        var i = 0
        var k = 0
        while Double(i) * 0.01 <= end + 1e-9 {
            let t = Double(i) * 0.01
            while k + 1 < profile.count && profile[k + 1].0 <= t { k += 1 }
            let f: Double
            if k + 1 < profile.count {
                let (t0, f0) = profile[k], (t1, f1) = profile[k + 1]
                f = f0 + (t - t0) * (f1 - f0) / (t1 - t0)
            } else {
                f = profile[k].1
            }
            switch detector.step(timeNs: Int64(i) * 10_000_000, force: Q16.fromNewtons(f)!) {
            case .holdCompleted: run.holds.append(detector.lastHold)
            case .touchCompleted: run.touches += 1
            default: break
            }
            i += 1
        }
        if finish {
            switch detector.finish() {
            case .holdCompleted: run.holds.append(detector.lastHold)
            case .touchCompleted: run.touches += 1
            default: break
            }
        }
        run.detector = detector
        return run
    }

    @Test func interpolatesCrossingsAndIntegratesExactly() throws {
        // 0 → 20 N over 1–2 s, hold to 5 s, 20 → 0 N over 5–6 s.
        let run = try detect([(0, 0), (1, 0), (2, 20), (5, 20), (6, 0), (7, 0)])
        try #require(run.holds.count == 1)
        let h = run.holds[0]
        #expect(abs(h.startNs - 1_250_000_000) <= 1)   // 5 N a quarter of the way up
        #expect(abs(h.endNs - 5_850_000_000) <= 1)     // 3 N at 85 % of the way down
        // Area: 0.75 s ramp from 5 to 20 N, 3 s at 20 N, 0.85 s from 20 to 3 N.
        let mean = (0.75 * 12.5 + 3 * 20 + 0.85 * 11.5) / 4.6
        #expect(abs(Q16.newtons(h.meanForce) - mean) < 1e-4)
        #expect(h.peakForce == Q16.fromNewtons(20))
        #expect(!h.endedByStreamEnd)
    }

    @Test func aShortDipDoesNotEndTheHold() throws {
        // Down to 0 N and back within 0.2 s (below 3 N for about 0.17 s).
        let run = try detect([(0, 0), (1, 30), (10, 30), (10.01, 0), (10.18, 0), (10.2, 30), (20, 30), (21, 0), (22, 0)])
        #expect(run.holds.count == 1)
        #expect(run.touches == 0)
        let h = try #require(run.holds.first)
        // The dip counts in the mean: area 593.883 N·s over 20.9 − 1/6 s.
        let mean = Q16.newtons(h.meanForce)
        #expect(abs(mean - 593.883_33 / (20.9 - 1.0 / 6)) < 1e-3)
    }

    @Test func aLongDipEndsTheHoldWhereItBegan() throws {
        let run = try detect([(0, 0), (1, 30), (10, 30), (10.1, 0), (10.6, 0), (10.7, 30), (20, 30), (21, 0), (22, 0)])
        try #require(run.holds.count == 2)
        // 30 → 0 N over 10.0–10.1 s crosses 3 N at 10.09 s.
        #expect(abs(run.holds[0].endNs - 10_090_000_000) <= 1)
        // 0 → 30 N over 10.6–10.7 s crosses 5 N at 10.6167 s.
        let secondStart = Double(run.holds[1].startNs) / 1e9
        let expectedStart = 10.6 + 0.1 / 6
        #expect(abs(secondStart - expectedStart) < 1e-6)
    }

    @Test func contactsShorterThanTheMinimumAreTouches() throws {
        let run = try detect([(0, 0), (1, 10), (1.5, 10), (2.5, 0), (3, 0), (3.2, 40), (3.4, 0), (4, 0)])
        #expect(run.holds.isEmpty)
        #expect(run.touches == 2)
    }

    @Test func zoneTimesFollowTheScale() throws {
        // Standard scale: target 5.5–7.5 ⇔ 29–41 N; over 8.5 ⇔ 47 N.
        // Up to 35 N (target from 29 N at 0.414 s) until 10.5 s, 4 s at 50 N (over),
        // then down through the over zone (0.029 s) and the target zone (0.118 s).
        let run = try detect([(0, 0), (0.5, 35), (10.5, 35), (10.51, 50), (14.51, 50), (15, 0), (16, 0)])
        let h = try #require(run.holds.first)
        let targetS = Double(h.targetNs) / 1e9
        let overS = Double(h.overNs) / 1e9
        #expect(abs(targetS - (10.5 - 29.0 / 70 + 0.49 * 12 / 50)) < 0.02)
        #expect(abs(overS - (4.0 + 0.49 * 3 / 50)) < 0.02)
        #expect(h.peakForce == Q16.fromNewtons(50))
    }

    @Test func theStreamEndingMidHoldClosesItAsOpen() throws {
        let run = try detect([(0, 0), (1, 30), (8, 30)])
        let h = try #require(run.holds.first)
        #expect(h.endedByStreamEnd)
        #expect(h.endNs == 8_000_000_000)
    }

    @Test func stageFollowsThePress() throws {
        var d = try HoldDetector(thresholds: HoldRules.standard.thresholds(for: .standard), zones: PressureScale.standard.zoneThresholds)
        #expect(d.step(timeNs: 0, force: 0) == .none)
        #expect(d.stage == .idle)
        #expect(d.step(timeNs: 10_000_000, force: Q16.fromNewtons(10)!) == .contactStarted)
        #expect(d.stage == .pressing)
        _ = d.step(timeNs: 20_000_000, force: 0)
        #expect(d.stage == .dipping)
    }

    @Test func rejectsInconsistentThresholds() {
        let bad = HoldThresholds(startN: 3, endN: 5, maxDipS: 0.3, minHoldS: 2)
        #expect(throws: ThresholdError.endNotBelowStart(endN: 5, startN: 3)) {
            try HoldDetector(thresholds: bad, zones: PressureScale.standard.zoneThresholds)
        }
    }

    // MARK: Re-grips and lifts

    @Test func aReGripAboveHalfTheEndForceIsBridgedAndCounted() throws {
        // Down to 2 N (above 1.5 N) for 0.7 s: one hold with one re-grip.
        let run = try detect([(0, 0), (1, 30), (10, 30), (10.1, 2), (10.8, 2), (10.9, 30), (20, 30), (21, 0), (22, 0)])
        try #require(run.holds.count == 1)
        #expect(run.holds[0].regrips == 1)
    }

    @Test func aDipBelowHalfTheEndForceIsALiftAfterTheMaximumDip() throws {
        // Down to 1 N (below 1.5 N) for 0.7 s: the hold ends where the dip began.
        let run = try detect([(0, 0), (1, 30), (10, 30), (10.1, 1), (10.8, 1), (10.9, 30), (20, 30), (21, 0), (22, 0)])
        try #require(run.holds.count == 2)
        #expect(run.holds[0].regrips == 0)
        // 30 → 1 N over 10.0–10.1 s crosses 3 N at 10.0931 s.
        let expectedEnd: Double = 10 + 0.1 * 27.0 / 29.0
        #expect(abs(Double(run.holds[0].endNs) / 1e9 - expectedEnd) < 1e-6)
    }

    @Test func aShallowDipLongerThanTheReGripWindowEndsTheHold() throws {
        let run = try detect([(0, 0), (1, 30), (10, 30), (10.1, 2), (11.3, 2), (11.4, 30), (20, 30), (21, 0), (22, 0)])
        #expect(run.holds.count == 2)
    }

    @Test func aDipThatDeepensLateEndsTheHoldWhereItBegan() throws {
        // 2 N for 0.5 s, then 0 N for 0.25 s: under a second in all, but a lift once it is deep.
        let run = try detect([(0, 0), (1, 30), (10, 30), (10.1, 2), (10.6, 2), (10.65, 0), (10.9, 0), (10.95, 30), (20, 30), (21, 0), (22, 0)])
        try #require(run.holds.count == 2)
        let expectedEnd: Double = 10 + 0.1 * 27.0 / 28.0
        #expect(abs(Double(run.holds[0].endNs) / 1e9 - expectedEnd) < 1e-6)
    }

    // MARK: Gaps

    @Test func aGapLongerThanAReGripEndsTheHoldAndIsMarked() throws {
        var d = try HoldDetector(thresholds: HoldRules.standard.thresholds(for: .standard), zones: PressureScale.standard.zoneThresholds)
        let f30 = Q16.fromNewtons(30)!
        var t: Int64 = 0
        _ = d.step(timeNs: t, force: 0)
        while t < 5_000_000_000 { t += 10_000_000; _ = d.step(timeNs: t, force: f30) }
        #expect(d.maxGapNs == 1_000_000_000)
        // Three hours without a sample: the chain calls breakAtGap before the next one.
        #expect(d.breakAtGap() == .holdCompleted)
        let h = d.lastHold
        #expect(h.endedByGap)
        #expect(h.endNs == t)
        #expect(d.stage == .idle)
        t += 3 * 3_600_000_000_000
        #expect(d.step(timeNs: t, force: f30) == .contactStarted)
        #expect(d.contactStartNs == t)
    }

    // MARK: Thresholds that follow the scale

    @Test func newThresholdsWaitForTheContactInProgressToEnd() throws {
        var d = try HoldDetector(thresholds: HoldRules.standard.thresholds(for: .standard), zones: PressureScale.standard.zoneThresholds)
        let step: Int64 = 10_000_000
        var t: Int64 = 0
        _ = d.step(timeNs: t, force: 0)
        t += step; #expect(d.step(timeNs: t, force: Q16.fromNewtons(10)!) == .contactStarted)
        // Thresholds of 12 N / 10 N now would end this 10 N press at once; they wait.
        try d.setThresholds(HoldThresholds(startN: 12, endN: 10.5, maxDipS: 0.3, minHoldS: 2))
        for _ in 0..<300 { t += step; #expect(d.step(timeNs: t, force: Q16.fromNewtons(10)!) == .none) }
        for _ in 0..<100 { t += step; _ = d.step(timeNs: t, force: 0) }
        #expect(d.holdCount == 1)
        // The next 10 N press is below the new start force.
        for _ in 0..<100 { t += step; #expect(d.step(timeNs: t, force: Q16.fromNewtons(10)!) == .none) }
    }
}
