import HoldfastCore
import HoldfastSession

/// What the plan needs to hear about a course of care: nothing moved by the
/// decision point, a setback after over-pressure, a point tested and never
/// retested. Worked out from the sessions alone, each flag with its evidence.
public struct CareFlag: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Neither PPT nor pain moved beyond the minimal detectable change by session 3.
        case noChange = "no change by session 3"
        /// Pain up by the pain MDC or more at the session after over-pressure time at a point.
        case setback = "setback"
        /// A point tested (PPT pre) but not retested (no post) in a session.
        case notRetested = "not retested"
    }

    public let kind: Kind
    /// The session it is about (1-based).
    public let session: Int
    public let point: String?
    /// In words, with the numbers.
    public let message: String
}

extension CourseOfCare {
    /// The decision point of a plan of care: "if nothing has changed by session 3, adjust or refer".
    public static let decisionSession = 3

    public var flags: [CareFlag] {
        var flags: [CareFlag] = []
        func n(_ v: Double) -> String { DecimalText.fixed(v, decimals: 1) }
        // No change by session 3: every point's PPT within the MDC of its first value, and pain within its MDC.
        if sessions.count >= Self.decisionSession {
            let upTo = sessions.prefix(Self.decisionSession)
            var moved: [String] = []
            var measured = false
            for point in points {
                let values = upTo.compactMap { $0[point] }.filter { $0.firstPPT != nil }
                // Across sessions: from the first session's threshold to the latest.
                guard values.count >= 2, let first = values.first?.firstPPT, let last = values.last?.latestPPT, first > 0 else { continue }
                measured = true
                if abs(last - first) / first > mdcFraction { moved.append("PPT at \(point ?? "-") \(n(first)) → \(n(last)) N") }
            }
            let pains = upTo.compactMap(\.pain)
            if let first = pains.first, let last = pains.last, pains.count >= 2 {
                measured = true
                if abs(last - first) >= painMDC { moved.append("pain \(first) → \(last)") }
            }
            if moved.isEmpty {
                let why = measured
                    ? "neither PPT (within \(Int((mdcFraction * 100).rounded())) %) nor pain (within \(painMDC - 1)) moved beyond the minimal detectable change"
                    : "no PPT or pain was recorded to show a change"
                flags.append(CareFlag(kind: .noChange, session: Self.decisionSession, point: nil,
                                      message: "no change by session \(Self.decisionSession): \(why); adjust the plan or refer"))
            }
        }
        // A setback: pain up by the MDC or more at the session after one with over-pressure time.
        for (before, after) in zip(sessions, sessions.dropFirst()) {
            guard let p0 = before.pain, let p1 = after.pain, p1 - p0 >= painMDC else { continue }
            let over = before.points.filter { $0.overS > 0 }
            guard !over.isEmpty else { continue }
            let where_ = over.map { "\($0.point ?? "-") (\(n($0.overS)) s over)" }.joined(separator: ", ")
            flags.append(CareFlag(kind: .setback, session: after.number, point: over.first?.point,
                                  message: "setback at session \(after.number): pain \(p0) → \(p1) after over-pressure in "
                                    + "session \(before.number) at \(where_)"))
        }
        // Tested, treated, not retested.
        for s in sessions {
            for p in s.points where !p.pre.isEmpty && p.post.isEmpty {
                flags.append(CareFlag(kind: .notRetested, session: s.number, point: p.point,
                                      message: "\(p.point ?? "-") tested (PPT \(n(p.preMean ?? 0)) N) but not retested in session \(s.number)"))
            }
        }
        return flags
    }
}
