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

    public init() {}

    public var isEmpty: Bool { rows.isEmpty }

    public mutating func add(point: String?, holdNs: Int64, meanLevel: Double, peakLevel: Double,
                             targetNs: Int64, overNs: Int64) {
        let i = rows.firstIndex { $0.point == point } ?? {
            rows.append(Row(point: point))
            return rows.count - 1
        }()
        rows[i].holds += 1
        rows[i].holdNs += holdNs
        rows[i].levelTime += meanLevel * Double(holdNs)
        rows[i].peakLevel = max(rows[i].peakLevel, peakLevel)
        rows[i].targetNs += targetNs
        rows[i].overNs += overNs
    }

    /// The same, with times in seconds as session files and socket messages give them (millisecond resolution).
    public mutating func add(point: String?, holdS: Double, meanLevel: Double, peakLevel: Double, targetS: Double, overS: Double) {
        add(point: point, holdNs: Self.nanoseconds(holdS), meanLevel: meanLevel, peakLevel: peakLevel,
            targetNs: Self.nanoseconds(targetS), overNs: Self.nanoseconds(overS))
    }

    /// The row of `point`, if it has holds.
    public subscript(point: String?) -> Row? { rows.first { $0.point == point } }

    private static func nanoseconds(_ seconds: Double) -> Int64 {
        seconds.isFinite ? Int64((seconds * 1e9).rounded()) : 0
    }
}
