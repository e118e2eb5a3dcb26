/// Finds holds in the filtered force: a per-sample state machine that
/// allocates nothing and uses integers only.
///
/// Threshold crossings are interpolated linearly between the two samples that
/// straddle them, so hold times do not depend on the sample rate. Areas are
/// trapezoids in a 128-bit accumulator (force × nanoseconds), which cannot
/// overflow for any force the signal path passes and any realistic hold.
/// Zone times attribute each sample interval to the zone of its midpoint.
public struct HoldDetector: Sendable {
    /// Running sums over a stretch of the signal.
    @usableFromInline
    struct Totals: Sendable {
        @usableFromInline var area: Int128 = 0  // Σ (f₀ + f₁)·Δt, i.e. twice the integral
        @usableFromInline var targetNs: Int64 = 0
        @usableFromInline var overNs: Int64 = 0

        @usableFromInline init() {}

        @inlinable @inline(__always)
        mutating func add(_ t0: Int64, _ f0: Int32, _ t1: Int64, _ f1: Int32, zones: ZoneThresholds) {
            let dt = t1 &- t0
            let sum = Int64(f0) &+ Int64(f1)
            area = area &+ Int128(sum) &* Int128(dt)
            let mid = sum >> 1
            if mid >= Int64(zones.over) {
                overNs &+= dt
            } else if mid >= Int64(zones.targetLow) && mid < Int64(zones.targetHigh) {
                targetNs &+= dt
            }
        }

        @inlinable
        mutating func merge(_ other: Totals) {
            area &+= other.area
            targetNs &+= other.targetNs
            overNs &+= other.overNs
        }
    }

    /// The thresholds in the units of the hot path.
    @usableFromInline
    struct Limits: Sendable {
        @usableFromInline var startForce: Int32
        @usableFromInline var endForce: Int32
        /// A dip that falls below this is a lift, not a re-grip (half the end force).
        @usableFromInline var liftForce: Int32
        @usableFromInline var maxDipNs: Int64
        @usableFromInline var maxRegripNs: Int64
        @usableFromInline var minHoldNs: Int64

        init(_ thresholds: HoldThresholds) throws(ThresholdError) {
            let t = try thresholds.validated()
            guard let start = Q16.fromNewtons(t.startN), let end = Q16.fromNewtons(t.endN) else {
                throw .outOfRange("start force", t.startN)
            }
            startForce = start
            endForce = end
            liftForce = end / 2
            maxDipNs = Int64((t.maxDipS * 1e9).rounded())
            maxRegripNs = Int64((t.maxRegripS * 1e9).rounded())
            minHoldNs = Int64((t.minHoldS * 1e9).rounded())
        }
    }

    @usableFromInline var limits: Limits
    /// New thresholds wait for the end of the contact in progress, so one hold is measured by one rule.
    @usableFromInline var pendingLimits: Limits?
    @usableFromInline var zones: ZoneThresholds
    /// Samples further apart than this are a gap that ends the contact (the longest dip that can be merged).
    public var maxGapNs: Int64 { limits.maxRegripNs }

    // State.
    @usableFromInline var _stage: HoldStage = .idle
    public var stage: HoldStage { _stage }
    @usableFromInline var hasPrevious = false
    @usableFromInline var previousNs: Int64 = 0
    @usableFromInline var previousForce: Int32 = 0
    /// Start of the current contact (valid unless idle).
    @usableFromInline var _contactStartNs: Int64 = 0
    public var contactStartNs: Int64 { _contactStartNs }
    @usableFromInline var totals = Totals()
    @usableFromInline var peak: Int32 = 0
    @usableFromInline var dipStartNs: Int64 = 0
    /// The dip went below the lift force: only a short one (maximum dip) is merged.
    @usableFromInline var dipIsLift = false
    @usableFromInline var contactGaps = 0
    @usableFromInline var contactRegrips = 0
    @usableFromInline var dipTotals = Totals()
    /// The client's signal in the contact (sample clock), or `.max` for none; the highest force up to it.
    @usableFromInline var signalNs: Int64 = .max
    @usableFromInline var signalPeak: Int32 = 0
    /// The samples have passed the signal's time: `signalPeak` is final.
    @usableFromInline var signalSettled = false
    @usableFromInline var onsetForce: Int32 = 0
    @usableFromInline var steadiness = HoldSteadiness()
    /// The level the hold in progress established (Q16.16; 0 before it has one), for the fading warning.
    public var establishedForce: Int32 { _stage == .idle ? 0 : steadiness.establishedForce }
    /// Whether the contact in progress has the client's signal (it will be a PPT trial).
    public var signalled: Bool { _stage != .idle && signalNs != .max }

    /// The hold reported by the last `.holdCompleted` event.
    public var lastHold: HoldRecord { _lastHold }
    @usableFromInline var _lastHold = HoldRecord(startNs: 0, endNs: 0, meanForce: 0, peakForce: 0,
                                                  targetNs: 0, overNs: 0, endedByStreamEnd: false)
    @usableFromInline var _holdCount = 0
    @usableFromInline var _touchCount = 0
    @usableFromInline var _trialCount = 0
    public var holdCount: Int { _holdCount }
    public var touchCount: Int { _touchCount }
    public var trialCount: Int { _trialCount }
    /// The trial reported by the last `.trialCompleted` event.
    public var lastTrial: TrialRecord { _lastTrial }
    @usableFromInline var _lastTrial = TrialRecord(startNs: 0, signalNs: 0, endNs: 0, thresholdForce: 0, onsetForce: 0)

    public init(thresholds: HoldThresholds, zones: ZoneThresholds) throws(ThresholdError) {
        limits = try Limits(thresholds)
        self.zones = zones
    }

    /// Feeds one filtered sample (time already corrected for filter delay).
    @inlinable
    public mutating func step(timeNs t: Int64, force f: Int32) -> DetectorEvent {
        let (t0, f0) = (previousNs, previousForce)
        let event = advance(timeNs: t, force: f)
        if _stage != .idle {
            steadiness.add(timeNs: t, force: f)
            if _slowPath(signalNs != .max && !signalSettled) { followSignal(t0, f0, t, f) }
        }
        return event
    }

    /// The state machine proper.
    @inlinable @inline(__always)
    mutating func advance(timeNs t: Int64, force f: Int32) -> DetectorEvent {
        let startForce = limits.startForce, endForce = limits.endForce
        guard hasPrevious else {
            hasPrevious = true
            (previousNs, previousForce) = (t, f)
            if f >= startForce { beginContact(at: t, force: f) ; return .contactStarted }
            return .none
        }
        let (t0, f0) = (previousNs, previousForce)
        (previousNs, previousForce) = (t, f)
        switch _stage {
        case .idle:
            guard f >= startForce else { return .none }
            let crossing = f0 >= startForce ? t0 : Self.crossingTime(t0, f0, t, f, startForce)
            beginContact(at: crossing, force: startForce)
            totals.add(crossing, startForce, t, f, zones: zones)
            peak = max(peak, f)
            return .contactStarted

        case .pressing:
            if f >= endForce {
                totals.add(t0, f0, t, f, zones: zones)
                peak = max(peak, f)
                return .none
            }
            let fall = Self.crossingTime(t0, f0, t, f, endForce)
            totals.add(t0, f0, fall, endForce, zones: zones)
            peak = max(peak, f0)
            dipStartNs = fall
            dipIsLift = f < limits.liftForce
            dipTotals = Totals()
            dipTotals.add(fall, endForce, t, f, zones: zones)
            _stage = .dipping
            return .none

        case .dipping:
            if f < limits.liftForce { dipIsLift = true }
            let window = dipIsLift ? limits.maxDipNs : limits.maxRegripNs
            if f >= endForce {
                let rise = Self.crossingTime(t0, f0, t, f, endForce)
                if rise &- dipStartNs < window {
                    dipTotals.add(t0, f0, t, f, zones: zones)
                    totals.merge(dipTotals)
                    peak = max(peak, f)
                    contactRegrips += 1
                    _stage = .pressing
                    return .none
                }
            } else if t &- dipStartNs < window {
                dipTotals.add(t0, f0, t, f, zones: zones)
                return .none
            }
            // The dip lasted too long for its depth: the contact ended where it began.
            let event = endContact(at: dipStartNs, byStreamEnd: false)
            if f >= limits.startForce {
                let crossing = f0 >= limits.startForce ? t0 : Self.crossingTime(t0, f0, t, f, limits.startForce)
                beginContact(at: crossing, force: limits.startForce)
                totals.add(crossing, limits.startForce, t, f, zones: zones)
                peak = max(peak, f)
            }
            return event
        }
    }

    /// Up to the signal's time the highest force is the threshold; the sample that passes it adds the
    /// force interpolated at the signal, so the threshold does not depend on the sample rate.
    @usableFromInline
    mutating func followSignal(_ t0: Int64, _ f0: Int32, _ t: Int64, _ f: Int32) {
        if t <= signalNs {
            signalPeak = max(signalPeak, f)
            return
        }
        if t0 < signalNs, t > t0 {
            let at = Int64(f0) &+ mulDiv(Int64(f) &- Int64(f0), signalNs &- t0, t &- t0)
            signalPeak = max(signalPeak, Int32(clamping: at))
        }
        signalSettled = true
    }

    /// The client signalled "now" at `timeNs` on the sample clock (a key, a button, a trace's `ppt`
    /// row): the contact in progress becomes a PPT trial whose threshold is the force at that time.
    ///
    /// The samples here run a filter delay behind the signal (their times are corrected, their
    /// arrival is not), and the ones still to come carry the release that follows a signal, which the
    /// low-pass would blend into the peak (0.4 N low on a 5 N/s ramp with a 0.4 s sharp peak). So
    /// while the force is still rising, the threshold is the ramp carried on from the last sample
    /// to the signal, at the ramp's own mean rate since the onset: exact on a steady ramp, and it
    /// uses nothing after the signal. Otherwise (the force already falling, the ramp too short to
    /// measure, or the samples behind by more than a filter could explain) it is the highest force
    /// up to the signal, as the samples reach it.
    public mutating func signal(atNs timeNs: Int64) -> SignalOutcome {
        guard _stage != .idle else { return .noContact }
        guard signalNs == .max else { return .repeated }
        signalNs = timeNs
        signalPeak = onsetForce
        signalSettled = false
        if hasPrevious && previousNs >= timeNs {
            // The samples are already past it (a signal that came late): the highest force so far.
            signalPeak = peak
            signalSettled = true
        } else if hasPrevious, previousForce > onsetForce, peak &- previousForce <= peak >> 6,  // rising: at its peak, but for noise
                  case let rampNs = previousNs &- _contactStartNs, rampNs >= Self.minimumRampForExtrapolationNs,
                  case let aheadNs = timeNs &- previousNs, aheadNs <= Self.maximumExtrapolationNs {
            let rise = mulDiv(Int64(previousForce) &- Int64(onsetForce), aheadNs, rampNs)
            signalPeak = Int32(clamping: Int64(previousForce) &+ rise)
            signalSettled = true
        }
        return .accepted
    }

    /// A ramp shorter than this says too little about its rate to carry it on.
    @usableFromInline static let minimumRampForExtrapolationNs: Int64 = 200_000_000
    /// Further than any filter delay (about 0.1 s) and a sample's spacing: the samples are not
    /// just behind, they stopped, and the highest force is all there is to go on.
    @usableFromInline static let maximumExtrapolationNs: Int64 = 500_000_000

    /// New zone boundaries (the client's scale was recalibrated); they apply from the next sample.
    public mutating func setZones(_ zones: ZoneThresholds) { self.zones = zones }

    /// New thresholds (they follow a recalibrated scale); they apply from the next contact.
    public mutating func setThresholds(_ thresholds: HoldThresholds) throws(ThresholdError) {
        let new = try Limits(thresholds)
        if _stage == .idle { limits = new } else { pendingLimits = new }
    }

    /// The stream stopped for longer than any dip that could be merged: a
    /// contact in progress ends at the last sample before the gap (or where
    /// its dip began), marked as cut by the gap, and the next sample starts afresh.
    public mutating func breakAtGap() -> DetectorEvent {
        hasPrevious = false
        switch _stage {
        case .idle: return .none
        case .pressing: return endContact(at: previousNs, byStreamEnd: false, byGap: true)
        case .dipping: return endContact(at: dipStartNs, byStreamEnd: false, byGap: true)
        }
    }

    /// Records that samples are missing before the current one (during a contact it is reported with the hold).
    @inlinable
    public mutating func noteGap() {
        if _stage != .idle { contactGaps += 1 }
    }

    /// Closes any contact in progress at the end of the stream.
    public mutating func finish() -> DetectorEvent {
        switch _stage {
        case .idle: return .none
        case .pressing: return endContact(at: previousNs, byStreamEnd: true)
        case .dipping: return endContact(at: dipStartNs, byStreamEnd: false)
        }
    }

    @usableFromInline
    mutating func beginContact(at t: Int64, force f: Int32) {
        _stage = .pressing
        _contactStartNs = t
        totals = Totals()
        contactGaps = 0
        contactRegrips = 0
        peak = f
        onsetForce = f
        signalNs = .max
        steadiness.begin(atNs: t)
    }

    @usableFromInline
    mutating func endContact(at end: Int64, byStreamEnd: Bool, byGap: Bool = false) -> DetectorEvent {
        _stage = .idle
        if let pending = pendingLimits {
            limits = pending
            pendingLimits = nil
        }
        let duration = end &- _contactStartNs
        if signalNs != .max {
            // A contact with the client's signal is a PPT trial, never a hold or a touch.
            _lastTrial = TrialRecord(startNs: _contactStartNs, signalNs: signalNs, endNs: end,
                                     thresholdForce: signalSettled ? signalPeak : max(signalPeak, peak), onsetForce: onsetForce,
                                     gaps: contactGaps, endedByGap: byGap)
            signalNs = .max
            _trialCount += 1
            return .trialCompleted
        }
        guard duration >= limits.minHoldNs, duration > 0 else {
            _touchCount += 1
            return .touchCompleted
        }
        let mean = totals.area / (2 * Int128(duration))
        _lastHold = HoldRecord(
            startNs: _contactStartNs, endNs: end,
            meanForce: Int32(truncatingIfNeeded: mean), peakForce: peak,
            targetNs: totals.targetNs, overNs: totals.overNs,
            endedByStreamEnd: byStreamEnd, gaps: contactGaps, regrips: contactRegrips, endedByGap: byGap,
            steadiness: steadiness.finish())
        _holdCount += 1
        return .holdCompleted
    }

    /// The time at which the line from (t0, f0) to (t1, f1) meets `level`.
    @usableFromInline
    static func crossingTime(_ t0: Int64, _ f0: Int32, _ t1: Int64, _ f1: Int32, _ level: Int32) -> Int64 {
        let df = Int64(f1) - Int64(f0)
        guard df != 0 else { return t1 }
        return t0 &+ mulDiv(Int64(level) - Int64(f0), t1 &- t0, df)
    }
}
