/// When a press counts as a hold, as the therapist or the configuration asks
/// for it: the start and end forces may be left to the client's scale.
///
/// By default a hold starts when the filtered force rises through the force
/// the client feels as level 1.4 and ends when it falls through level 1.0,
/// capped at 5 N and 3 N: on the default scale and any firmer one that is
/// exactly 5 N and 3 N (the gap between the two is hysteresis, so noise
/// around one threshold cannot chatter), while a sensitive client whose
/// whole scale lies below 5 N (jaw, temple, an allodynic client) still has
/// holds found in the part of the scale that matters.
///
/// A dip below the end force does not end the hold if it is short: under
/// 0.3 s whatever its depth (the therapist shifting the thumb), and under
/// 1 s while it stays above half the end force (a re-grip: the thumb
/// unloads but stays on the skin). Contacts shorter than 2 s are touches
/// (palpation, a tap), not holds.
public struct HoldRules: Sendable, Equatable {
    /// nil: from the scale (level ``startLevel``, at most ``startCapN``).
    public var startN: Double?
    /// nil: from the scale (level ``endLevel``, at most ``endCapN``).
    public var endN: Double?
    public var maxDipS: Double
    public var maxRegripS: Double
    public var minHoldS: Double

    public static let startLevel = 1.4
    public static let endLevel = 1.0
    public static let startCapN = 5.0
    public static let endCapN = 3.0
    /// Below this the force is sensor noise and zero drift, not a thumb.
    public static let endFloorN = 0.2
    /// The end force is this fraction of an explicit start force when only the start is given (3 N of 5 N).
    static let endToStart = 0.6

    public static let standard = HoldRules()

    public init(startN: Double? = nil, endN: Double? = nil, maxDipS: Double = 0.3, maxRegripS: Double = 1,
                minHoldS: Double = 2) {
        self.startN = startN
        self.endN = endN
        self.maxDipS = maxDipS
        self.maxRegripS = maxRegripS
        self.minHoldS = minHoldS
    }

    /// The forces in effect with `scale`: explicit values win; a derived
    /// value that would contradict an explicit one keeps the 5:3 ratio to it.
    public func thresholds(for scale: PressureScale) -> HoldThresholds {
        let scaleEnd = max(Self.endFloorN, min(Self.endCapN, scale.thresholdForce(atLevel: Self.endLevel)))
        let scaleStart = max(scaleEnd + Self.endFloorN, min(Self.startCapN, scale.thresholdForce(atLevel: Self.startLevel)))
        let start: Double, end: Double
        switch (startN, endN) {
        case let (s?, e?): (start, end) = (s, e)
        case let (s?, nil): (start, end) = (s, scaleEnd < s ? scaleEnd : s * Self.endToStart)
        case let (nil, e?): (start, end) = (scaleStart > e ? scaleStart : e / Self.endToStart, e)
        case (nil, nil): (start, end) = (scaleStart, scaleEnd)
        }
        return HoldThresholds(startN: start, endN: end, maxDipS: maxDipS, maxRegripS: maxRegripS, minHoldS: minHoldS)
    }

    /// Checks the explicit values and the durations; names the first that is wrong.
    public func validated() throws(ThresholdError) -> HoldRules {
        _ = try thresholds(for: .standard).validated()
        if let s = startN, let e = endN, e >= s { throw .endNotBelowStart(endN: e, startN: s) }
        return self
    }
}

/// The hold rules with both forces settled, as the detector applies them.
public struct HoldThresholds: Sendable, Equatable {
    public var startN: Double
    public var endN: Double
    public var maxDipS: Double
    public var maxRegripS: Double
    public var minHoldS: Double

    public init(startN: Double, endN: Double, maxDipS: Double, maxRegripS: Double = 1, minHoldS: Double) {
        self.startN = startN
        self.endN = endN
        self.maxDipS = maxDipS
        self.maxRegripS = maxRegripS
        self.minHoldS = minHoldS
    }

    /// Checks the values make sense together; names the first that does not.
    public func validated() throws(ThresholdError) -> HoldThresholds {
        guard startN.isFinite, startN > 0, startN <= 8000 else { throw .outOfRange("start force", startN) }
        guard endN.isFinite, endN >= 0, endN < startN else { throw .endNotBelowStart(endN: endN, startN: startN) }
        guard maxDipS.isFinite, maxDipS >= 0, maxDipS <= 60 else { throw .outOfRange("maximum dip", maxDipS) }
        guard maxRegripS.isFinite, maxRegripS >= maxDipS, maxRegripS <= 60 else {
            throw .outOfRange("maximum re-grip (at least the maximum dip)", maxRegripS)
        }
        guard minHoldS.isFinite, minHoldS >= 0, minHoldS <= 3600 else { throw .outOfRange("minimum hold", minHoldS) }
        return self
    }

    /// Within this of the start force, the target zone is too close for holds to be found reliably.
    public static let warningMarginN = 1.0

    /// Says so when the client's target zone lies below the start force or
    /// within 1 N above it: holds in the zone may start late or not be found.
    public func warning(for scale: PressureScale) -> String? {
        guard let low = scale.force(atLevel: PressureScale.targetLevels.lowerBound) else { return nil }
        guard low < startN + Self.warningMarginN else { return nil }
        let where_ = low < startN ? "below" : "within \(Self.format(Self.warningMarginN)) N of"
        return "the target zone starts at \(Self.format(low)) N, \(where_) the hold start force "
            + "\(Self.format(startN)) N: holds in the target zone may start late or not be found; "
            + "lower start_n/end_n (--start-n/--end-n) or let them follow the scale"
    }

    private static func format(_ n: Double) -> String {
        DecimalText.format(Int64((n * 100).rounded()), decimals: 2)
    }
}

/// Why a set of hold thresholds was rejected.
public enum ThresholdError: Error, Equatable, CustomStringConvertible {
    case outOfRange(String, Double)
    case endNotBelowStart(endN: Double, startN: Double)

    public var description: String {
        switch self {
        case .outOfRange(let name, let v): "\(name) \(v) is out of range"
        case .endNotBelowStart(let e, let s): "end force \(e) N must be at least 0 and below the start force \(s) N"
        }
    }
}
