/// The client's 1–10 pressure scale: a piecewise-linear map from force to a
/// continuous level, built from points the therapist and client agreed on
/// ("8 N is a 2, 38 N is a 7").
///
/// Pain and force are related per person, not universally, so the default is
/// only a starting point; calibrate per client. Forces outside the given
/// points clamp to the end levels.
public struct PressureScale: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public let forceN: Double
        public let level: Double
        public init(forceN: Double, level: Double) { self.forceN = forceN; self.level = level }
    }

    public let points: [Point]

    /// Target zone: levels that round to 6 or 7 ("good hurt").
    public static let targetLevels: Range<Double> = 5.5..<7.5
    /// Over-pressure: levels that round to 9 or 10 (breath-holding; never the goal).
    public static let overLevel = 8.5

    /// A mid-range default for an adult upper trapezius, in the spirit of
    /// Travell's "up to 20–30 lb": 38 N is a 7, 55 N is a 10.
    public static let standard: PressureScale = {
        let pairs: [(Double, Double)] = [(3, 1), (8, 2), (14, 3), (20, 4), (26, 5),
                                         (32, 6), (38, 7), (44, 8), (50, 9), (55, 10)]
        // The table above is valid by inspection; fall back to a two-point line only if edited wrongly.
        return (try? PressureScale(points: pairs.map { Point(forceN: $0.0, level: $0.1) }))
            ?? PressureScale(unchecked: [Point(forceN: 3, level: 1), Point(forceN: 55, level: 10)])
    }()

    public static let standardText = "3=1,8=2,14=3,20=4,26=5,32=6,38=7,44=8,50=9,55=10"

    public init(points: [Point]) throws(ScaleError) {
        guard points.count >= 2 else { throw .tooFewPoints(points.count) }
        for (i, p) in points.enumerated() {
            guard p.forceN.isFinite, p.forceN >= 0, p.forceN <= 8000 else { throw .forceOutOfRange(index: i, p.forceN) }
            guard p.level.isFinite, p.level >= 0, p.level <= 10 else { throw .levelOutOfRange(index: i, p.level) }
            if i > 0 {
                let q = points[i - 1]
                guard p.forceN > q.forceN, p.level > q.level else { throw .notIncreasing(index: i) }
            }
        }
        self.points = points
    }

    private init(unchecked points: [Point]) { self.points = points }

    /// Parses `"3=1,8=2,…"` (newtons = level).
    public init(parsing text: String) throws(ScaleError) {
        var parsed: [Point] = []
        for (i, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2,
                  let f = Double(parts[0].trimmingCharacters), let l = Double(parts[1].trimmingCharacters)
            else { throw .malformedPoint(index: i, String(item)) }
            parsed.append(Point(forceN: f, level: l))
        }
        try self.init(points: parsed)
    }

    /// This scale with the client's rating "`forceN` feels like `level`" added:
    /// a point at the same level is replaced; the result must still rise in
    /// both force and level, or the rating contradicts the others.
    public func adding(forceN: Double, level: Double) throws(ScaleError) -> PressureScale {
        var updated = points.filter { $0.level != level }
        updated.append(Point(forceN: forceN, level: level))
        updated.sort { $0.level < $1.level }
        return try PressureScale(points: updated)
    }

    /// The level felt at `forceN`, clamped to the end levels.
    public func level(atForce forceN: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if forceN <= first.forceN { return first.level }
        if forceN >= last.forceN { return last.level }
        var i = 1
        while points[i].forceN < forceN { i += 1 }
        let (p, q) = (points[i - 1], points[i])
        return p.level + (forceN - p.forceN) * (q.level - p.level) / (q.forceN - p.forceN)
    }

    /// The smallest force at which the level reaches `level`: 0 if the scale
    /// starts above it, `nil` if the scale never reaches it.
    public func force(atLevel level: Double) -> Double? {
        guard let first = points.first, let last = points.last else { return nil }
        if level <= first.level { return 0 }
        if level > last.level { return nil }
        var i = 1
        while points[i].level < level { i += 1 }
        let (p, q) = (points[i - 1], points[i])
        return p.forceN + (level - p.level) * (q.forceN - p.forceN) / (q.level - p.level)
    }

    /// The force at which the client feels `level`, for hold thresholds:
    /// like ``force(atLevel:)``, but at or below the first point it is read on
    /// the line from (0 N, level 0) to that point — "3=1,…" puts level 1 at 3 N,
    /// not at 0 — and beyond the last point it is the last point's force.
    public func thresholdForce(atLevel level: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if level <= first.level {
            return first.level > 0 ? first.forceN * max(0, level) / first.level : first.forceN
        }
        return force(atLevel: level) ?? last.forceN
    }

    /// The zone boundaries as Q16.16 forces, for the per-sample detector.
    public var zoneThresholds: ZoneThresholds {
        func q(_ level: Double) -> Int32 {
            guard let f = force(atLevel: level) else { return .max }
            return Q16.fromNewtons(f) ?? .max
        }
        return ZoneThresholds(targetLow: q(Self.targetLevels.lowerBound),
                              targetHigh: q(Self.targetLevels.upperBound),
                              over: q(Self.overLevel))
    }

    /// The scale in its text form, `"3=1,8=2,…"`.
    public var text: String {
        points.map { "\(Self.trim($0.forceN))=\(Self.trim($0.level))" }.joined(separator: ",")
    }

    private static func trim(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}

/// Where a level lies against the therapy's zones: below the target, in the
/// target ("good hurt", rounds to 6–7), caution (rounds to 8), over (9–10).
public enum Zone: String, Sendable, CaseIterable {
    case below, target, caution, over

    public init(level: Double) {
        self = level >= PressureScale.overLevel ? .over
            : level >= PressureScale.targetLevels.upperBound ? .caution
            : level >= PressureScale.targetLevels.lowerBound ? .target : .below
    }

    /// The name used in live frames and the watch.
    public var name: String { rawValue }
}

/// Force boundaries (Q16.16) of the target zone and of over-pressure.
public struct ZoneThresholds: Sendable, Equatable {
    public var targetLow: Int32
    public var targetHigh: Int32
    public var over: Int32
}

/// Why a pressure scale was rejected.
public enum ScaleError: Error, Equatable, CustomStringConvertible {
    case tooFewPoints(Int)
    case malformedPoint(index: Int, String)
    case forceOutOfRange(index: Int, Double)
    case levelOutOfRange(index: Int, Double)
    case notIncreasing(index: Int)

    public var description: String {
        switch self {
        case .tooFewPoints(let n): "a pressure scale needs at least 2 points (force=level), got \(n)"
        case .malformedPoint(let i, let s): "point \(i + 1) \"\(s)\" is not of the form NEWTONS=LEVEL"
        case .forceOutOfRange(let i, let f): "point \(i + 1): force \(f) N is out of range (0 ... 8000 N)"
        case .levelOutOfRange(let i, let l): "point \(i + 1): level \(l) is out of range (0 ... 10)"
        case .notIncreasing(let i): "point \(i + 1): forces and levels must both be strictly increasing"
        }
    }
}
