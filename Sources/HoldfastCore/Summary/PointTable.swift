/// Per-point totals of a session's holds, in order of each point's first
/// hold: the session file's summary, `holdfast session show` and the watch's
/// table are all this, fed from hold records, a file read back, or socket
/// events. The mean level is weighted by hold time: a 90 s hold at 6 counts
/// three times a 30 s hold at 8.
public struct PointTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The label, or nil for holds made with no point set.
        public let point: String?
        public fileprivate(set) var holds = 0
        public fileprivate(set) var holdNs: Int64 = 0
        /// Σ mean level × hold time.
        fileprivate var levelTime = 0.0
        public fileprivate(set) var peakLevel = 0.0
        public fileprivate(set) var targetNs: Int64 = 0
        public fileprivate(set) var overNs: Int64 = 0

        public var meanLevel: Double { holdNs > 0 ? levelTime / Double(holdNs) : 0 }
        public var holdS: Double { Double(holdNs) / 1e9 }
        public var targetS: Double { Double(targetNs) / 1e9 }
        public var overS: Double { Double(overNs) / 1e9 }
    }

    public private(set) var rows: [Row] = []
    /// Row of each point, so that a long session adds a hold in constant time.
    private var index: [String?: Int] = [:]

    public init() {}

    public var isEmpty: Bool { rows.isEmpty }

    /// The longest time a file or message may give (about 31 years): far beyond any
    /// session, and well inside what nanoseconds in an Int64 hold (292 years).
    public static let maxSeconds = 1e9

    /// Adds a hold. Sums saturate instead of trapping: no input can crash a reader.
    public mutating func add(point: String?, holdNs: Int64, meanLevel: Double, peakLevel: Double,
                             targetNs: Int64, overNs: Int64) {
        let i = index[point] ?? {
            rows.append(Row(point: point))
            index[point] = rows.count - 1
            return rows.count - 1
        }()
        rows[i].holds += 1
        rows[i].holdNs = Self.saturatingSum(rows[i].holdNs, holdNs)
        rows[i].levelTime += meanLevel * Double(holdNs)
        rows[i].peakLevel = max(rows[i].peakLevel, peakLevel)
        rows[i].targetNs = Self.saturatingSum(rows[i].targetNs, targetNs)
        rows[i].overNs = Self.saturatingSum(rows[i].overNs, overNs)
    }

    /// The same, with times in seconds as session files and socket messages give them (millisecond resolution).
    /// Values come from outside, so each is checked first: a time must be finite and within
    /// 0 ... `maxSeconds`, a level finite and within 0 ... 10; the error names the field and value.
    public mutating func add(point: String?, holdS: Double, meanLevel: Double, peakLevel: Double, targetS: Double,
                             overS: Double) throws(PointTableError) {
        let hold = try Self.nanoseconds(holdS, "hold_s")
        let target = try Self.nanoseconds(targetS, "target_s")
        let over = try Self.nanoseconds(overS, "over_s")
        for (name, level) in [("mean_level", meanLevel), ("peak_level", peakLevel)] where !(level.isFinite && (0...10).contains(level)) {
            throw .outOfRange(field: name, value: level, range: "0 ... 10")
        }
        add(point: point, holdNs: hold, meanLevel: meanLevel, peakLevel: peakLevel, targetNs: target, overNs: over)
    }

    /// The row of `point`, if it has holds.
    public subscript(point: String?) -> Row? { index[point].map { rows[$0] } }

    private static func nanoseconds(_ seconds: Double, _ field: String) throws(PointTableError) -> Int64 {
        guard seconds.isFinite, seconds >= 0, seconds <= maxSeconds else {
            throw .outOfRange(field: field, value: seconds, range: "0 ... 1e9 s")
        }
        return Int64((seconds * 1e9).rounded())
    }

    private static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b < 0 ? .min : .max) : sum
    }
}

/// A hold whose figures cannot be a hold's (a corrupted file, a bad message).
public enum PointTableError: Error, Equatable, CustomStringConvertible {
    case outOfRange(field: String, value: Double, range: String)

    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let range): "\(field) \(value) is out of range (\(range))"
        }
    }
}
