/// When a press counts as a hold. Defaults follow the clinical practice of
/// ischemic compression: a hold starts when the filtered force rises through
/// 5 N and ends when it falls through 3 N (the gap between the two is
/// hysteresis, so noise around one threshold cannot chatter); a dip below 3 N
/// shorter than 0.3 s — the therapist shifting the thumb — does not end it;
/// contacts shorter than 2 s are touches (palpation, a tap), not holds.
public struct HoldThresholds: Sendable, Equatable {
    public var startN: Double
    public var endN: Double
    public var maxDipS: Double
    public var minHoldS: Double

    public static let standard = HoldThresholds(startN: 5, endN: 3, maxDipS: 0.3, minHoldS: 2)

    public init(startN: Double, endN: Double, maxDipS: Double, minHoldS: Double) {
        self.startN = startN
        self.endN = endN
        self.maxDipS = maxDipS
        self.minHoldS = minHoldS
    }

    /// Checks the values make sense together; names the first that does not.
    public func validated() throws(ThresholdError) -> HoldThresholds {
        guard startN.isFinite, startN > 0, startN <= 8000 else { throw .outOfRange("start force", startN) }
        guard endN.isFinite, endN >= 0, endN < startN else { throw .endNotBelowStart(endN: endN, startN: startN) }
        guard maxDipS.isFinite, maxDipS >= 0, maxDipS <= 60 else { throw .outOfRange("maximum dip", maxDipS) }
        guard minHoldS.isFinite, minHoldS >= 0, minHoldS <= 3600 else { throw .outOfRange("minimum hold", minHoldS) }
        return self
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
