import HoldfastCore

/// A session's PPT trials as they come: each gets its phase (`pre` before the
/// point's first hold in the session, `post` after one), its number within
/// point and phase, and its verdict (a ramp inside the band, a ramp at all,
/// no gap); per point the mean of the valid trials and the change. Fed in
/// time order by replay and the daemon alike, so both number and judge
/// trials the same way.
public struct PPTLedger: Sendable, Equatable {
    public let policy: PPTPolicy
    /// Points that have had a hold in the session.
    private var held: Set<String?> = []
    private struct Counts: Sendable, Equatable { var pre = 0, post = 0 }
    private var counts: [String?: Counts] = [:]
    /// Per point in order of first trial: the valid thresholds of each phase.
    public private(set) var points: [PointPPT] = []
    private var index: [String?: Int] = [:]
    public private(set) var trialCount = 0

    /// One point's thresholds in the session.
    public struct PointPPT: Sendable, Equatable {
        public let point: String?
        public fileprivate(set) var pre: [Double] = []
        public fileprivate(set) var post: [Double] = []
        public fileprivate(set) var invalid = 0

        public var preMean: Double? { pre.isEmpty ? nil : pre.reduce(0, +) / Double(pre.count) }
        public var postMean: Double? { post.isEmpty ? nil : post.reduce(0, +) / Double(post.count) }
        /// post − pre, in N, when both were measured.
        public var changeN: Double? { preMean.flatMap { a in postMean.map { $0 - a } } }
        public var changeFraction: Double? { preMean.flatMap { a in a > 0 ? changeN.map { $0 / a } : nil } }
        /// The change exceeds the minimal detectable change.
        public func beyond(mdc fraction: Double) -> Bool? { changeFraction.map { abs($0) > fraction } }
    }

    public init(policy: PPTPolicy) { self.policy = policy }

    /// A hold at `point` ended: trials there are `post` from now on.
    public mutating func hold(at point: String?) { held.insert(point) }

    /// The record of a trial (its times already in the session's time base).
    public mutating func trial(_ trial: SessionTrial) -> PPTLine {
        let r = trial.record
        let phase: PPTLine.Phase = held.contains(trial.point) ? .post : .pre
        var count = counts[trial.point] ?? Counts()
        if phase == .pre { count.pre += 1 } else { count.post += 1 }
        counts[trial.point] = count
        let force = Double(DecimalText.roundedDivision(Int64(r.thresholdForce) * 1000, 65536)) / 1000
        let rate = (r.rampNewtonsPerSecond * 100).rounded() / 100
        let why = verdict(r, rate: rate)
        let i = index[trial.point] ?? {
            points.append(PointPPT(point: trial.point))
            index[trial.point] = points.count - 1
            return points.count - 1
        }()
        if why == nil {
            if phase == .pre { points[i].pre.append(force) } else { points[i].post.append(force) }
        } else {
            points[i].invalid += 1
        }
        trialCount += 1
        return PPTLine(point: trial.point, phase: phase, trial: phase == .pre ? count.pre : count.post,
                       timeS: Double(DecimalText.roundedDivision(r.signalNs, 1_000_000)) / 1000, forceN: force,
                       kpa: policy.kPa(force).map { ($0 * 10).rounded() / 10 }, rateNS: rate, valid: why == nil, why: why)
    }

    /// Why a trial does not count, or nil when it does.
    private func verdict(_ r: TrialRecord, rate: Double) -> String? {
        if r.endedByGap || r.gaps > 0 { return "samples were missing during the trial" }
        let rampS = Double(r.signalNs - r.startNs) / 1e9
        if rate <= 0 || rampS < PPTPolicy.minimumRampS {
            return "no ramp: the signal came \(DecimalText.fixed(max(0, rampS), decimals: 2)) s after the onset and the force "
                + "rose \(DecimalText.fixed(max(0, rate * rampS), decimals: 1)) N"
        }
        let band = policy.band
        guard band.contains(rate) else {
            return "ramp \(DecimalText.fixed(rate, decimals: 1)) N/s, outside \(DecimalText.fixed(band.lowerBound, decimals: 1))"
                + "-\(DecimalText.fixed(band.upperBound, decimals: 1)) N/s"
        }
        return nil
    }

    /// The point's row, if it had trials.
    public subscript(point: String?) -> PointPPT? { index[point].map { points[$0] } }
}

/// A completed trial with its point label, on the session's time base.
public struct SessionTrial: Sendable, Equatable {
    public var point: String?
    public var record: TrialRecord
    public init(point: String?, record: TrialRecord) {
        self.point = point
        self.record = record
    }
}
