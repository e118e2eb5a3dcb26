import HoldfastCore

/// What a perfect detector would report for a scenario: the hold rules of
/// ``HoldRules`` applied exactly to the clean, noise-free profile, with the
/// scenario's pressure scale.
///
/// This is an independent oracle: it works on the continuous piecewise-linear
/// profile in double precision, finding crossings analytically, while the
/// core works on noisy, filtered, sampled integers.
public struct GroundTruth: Sendable, Equatable {
    public struct Hold: Sendable, Equatable {
        public var point: String?
        public var startS: Double
        public var endS: Double
        public var meanN: Double
        public var peakN: Double
        public var targetS: Double
        public var overS: Double
        /// Dips below the end force that did not end the hold.
        public var regrips: Int
        public var holdS: Double { endS - startS }
    }

    /// A PPT trial as a perfect detector would take it from the clean profile.
    public struct Trial: Sendable, Equatable {
        public var point: String?
        /// `pre` before the point's first hold, `post` after one.
        public var phase: String
        public var startS: Double
        public var signalS: Double
        /// The highest clean force from the contact's start to the signal.
        public var thresholdN: Double
        /// The mean slope from the onset (the start force) to the signal.
        public var rateNPerS: Double
        /// The client's own threshold (before the reaction time), for the record.
        public var clientThresholdN: Double
    }

    public var holds: [Hold]
    public var touches: Int
    public var trials: [Trial] = []

    public init(scenario: Scenario, thresholds: HoldThresholds? = nil, scale: PressureScale? = nil) {
        let scale = scale ?? scenario.scale
        let thresholds = thresholds ?? HoldRules.standard.thresholds(for: scale)
        let profile = scenario.profile
        let liftN = thresholds.endN / 2
        // Every threshold crossing along the profile, in time order.
        enum Crossing { case startRise, endFall, endRise, liftFall }
        var crossings: [(time: Double, kind: Crossing)] = []
        for i in 1..<profile.count {
            let (p, q) = (profile[i - 1], profile[i])
            func at(_ level: Double) -> Double {
                p.timeS + (level - p.forceN) * (q.timeS - p.timeS) / (q.forceN - p.forceN)
            }
            var here: [(Double, Crossing)] = []
            if p.forceN < thresholds.startN && q.forceN >= thresholds.startN { here.append((at(thresholds.startN), .startRise)) }
            if p.forceN >= thresholds.endN && q.forceN < thresholds.endN { here.append((at(thresholds.endN), .endFall)) }
            if p.forceN < thresholds.endN && q.forceN >= thresholds.endN { here.append((at(thresholds.endN), .endRise)) }
            if p.forceN >= liftN && q.forceN < liftN { here.append((at(liftN), .liftFall)) }
            crossings += here.sorted { $0.0 < $1.0 }.map { (time: $0.0, kind: $0.1) }
        }
        if let first = profile.first, first.forceN >= thresholds.startN {
            crossings.insert((first.timeS, .startRise), at: 0)
        }

        var holds: [Hold] = []
        var touches = 0
        var trials: [Trial] = []
        var start: Double?
        var dipStart: Double?
        var dipIsLift = false
        var regrips = 0
        func close(_ end: Double) {
            guard let s = start else { return }
            if let scripted = scenario.trials.first(where: { $0.signalS >= s && $0.signalS <= end }) {
                // A contact with the client's signal is a trial, never a hold or a touch.
                let point = scenario.points.last(where: { $0.timeS <= s })?.label
                let threshold = Self.peak(scenario, from: s, to: scripted.signalS)
                trials.append(Trial(point: point, phase: holds.contains(where: { $0.point == point }) ? "post" : "pre",
                                    startS: s, signalS: scripted.signalS, thresholdN: threshold,
                                    rateNPerS: (threshold - thresholds.startN) / (scripted.signalS - s),
                                    clientThresholdN: scripted.thresholdN))
            } else if end - s >= thresholds.minHoldS {
                holds.append(Self.measure(scenario, from: s, to: end, scale: scale, regrips: regrips))
            } else {
                touches += 1
            }
            start = nil
            dipStart = nil
            regrips = 0
        }
        for c in crossings {
            switch c.kind {
            case .startRise where start == nil:
                start = c.time
            case .endFall where start != nil && dipStart == nil:
                dipStart = c.time
                dipIsLift = false
            case .liftFall:
                // The thumb left the skin: only a short dip is merged now.
                guard let d = dipStart, !dipIsLift else { break }
                dipIsLift = true
                if c.time - d >= thresholds.maxDipS { close(d) }
            case .endRise:
                if let d = dipStart {
                    if c.time - d < (dipIsLift ? thresholds.maxDipS : thresholds.maxRegripS) {
                        dipStart = nil
                        regrips += 1
                    } else {
                        close(d)
                    }
                }
            default:
                break
            }
        }
        if let d = dipStart { close(d) } else if start != nil { close(scenario.durationS) }
        self.holds = holds
        self.touches = touches
        self.trials = trials
    }

    /// The highest clean force over [from, to].
    static func peak(_ scenario: Scenario, from: Double, to: Double) -> Double {
        let times = [from] + scenario.profile.map(\.timeS).filter { $0 > from && $0 < to } + [to]
        return times.map { scenario.cleanForce(at: $0) }.max() ?? 0
    }

    /// Mean, peak and zone times of the clean profile over [from, to].
    static func measure(_ scenario: Scenario, from: Double, to: Double, scale: PressureScale, regrips: Int) -> Hold {
        let targetLow = scale.force(atLevel: PressureScale.targetLevels.lowerBound) ?? .infinity
        let targetHigh = scale.force(atLevel: PressureScale.targetLevels.upperBound) ?? .infinity
        let over = scale.force(atLevel: PressureScale.overLevel) ?? .infinity
        var area = 0.0, peak = -Double.infinity, targetS = 0.0, overS = 0.0
        // Breakpoints inside the interval, plus its ends.
        var times = [from] + scenario.profile.map(\.timeS).filter { $0 > from && $0 < to } + [to]
        times.sort()
        for i in 1..<times.count {
            let (t0, t1) = (times[i - 1], times[i])
            let (f0, f1) = (scenario.cleanForce(at: t0), scenario.cleanForce(at: t1))
            area += (f0 + f1) / 2 * (t1 - t0)
            peak = max(peak, f0, f1)
            targetS += timeWithin(f0, f1, t1 - t0, targetLow, targetHigh)
            overS += timeWithin(f0, f1, t1 - t0, over, .infinity)
        }
        let point = scenario.points.last(where: { $0.timeS <= from })?.label
        return Hold(point: point, startS: from, endS: to, meanN: area / (to - from), peakN: peak,
                    targetS: targetS, overS: overS, regrips: regrips)
    }

    /// Time a linear segment from f0 to f1 over `duration` spends in [low, high).
    static func timeWithin(_ f0: Double, _ f1: Double, _ duration: Double, _ low: Double, _ high: Double) -> Double {
        if f0 == f1 { return f0 >= low && f0 < high ? duration : 0 }
        let (a, b) = (min(f0, f1), max(f0, f1))
        let overlap = max(0, min(b, high) - max(a, low))
        return duration * overlap / (b - a)
    }
}
