import FoundationEssentials
import HoldfastCore

/// A hold as it stands in a session file and travels on the control socket:
/// one type for the file's reader, the daemon's message and every client, so
/// that what is written and what is read cannot drift apart (a test decodes
/// the byte-exact line `SessionEncoding.hold` writes into this and compares).
/// Times in seconds (3 decimals) in the session's time base, forces in newtons
/// of the filtered signal (3 decimals), levels on the client's scale (2).
public struct HoldLine: Codable, Sendable, Equatable {
    /// 1, 2, … within the session.
    public var n: Int
    public var point: String?
    public var startS: Double
    public var endS: Double
    public var holdS: Double
    public var meanN: Double
    public var peakN: Double
    public var meanLevel: Double
    public var peakLevel: Double
    public var targetS: Double
    public var overS: Double
    /// Dips below the end force the hold bridged.
    public var regrips: Int
    /// Steadiness (files before it have none): the plateau's first 10 s against its last 10 s in %
    /// (positive: the force faded), the variation of the force on it in %, and the share of the hold
    /// in the target zone in %. Sag and wobble are null when the hold had no plateau to measure.
    public var sagPct: Double?
    public var wobblePct: Double?
    public var targetPct: Double?
    /// Gaps in the samples during the hold (omitted when none).
    public var gaps: Int?
    /// The samples stopped for longer than a re-grip: the hold ends before the gap (omitted unless so).
    public var cutByGap: Bool?
    /// The stream ended during the hold (omitted unless so).
    public var open: Bool?

    public init(n: Int, point: String?, startS: Double, endS: Double, holdS: Double, meanN: Double, peakN: Double,
                meanLevel: Double, peakLevel: Double, targetS: Double, overS: Double, regrips: Int = 0,
                sagPct: Double? = nil, wobblePct: Double? = nil, targetPct: Double? = nil,
                gaps: Int? = nil, cutByGap: Bool? = nil, open: Bool? = nil) {
        self.n = n
        self.point = point
        self.startS = startS
        self.endS = endS
        self.holdS = holdS
        self.meanN = meanN
        self.peakN = peakN
        self.meanLevel = meanLevel
        self.peakLevel = peakLevel
        self.targetS = targetS
        self.overS = overS
        self.regrips = regrips
        self.sagPct = sagPct
        self.wobblePct = wobblePct
        self.targetPct = targetPct
        self.gaps = gaps
        self.cutByGap = cutByGap
        self.open = open
    }

    /// The line for a hold as the session file has it (the same rounding as the file's text).
    public init(_ hold: SessionHold, number: Int) {
        let r = hold.record
        func s(_ ns: Int64) -> Double { Double(DecimalText.roundedDivision(ns, 1_000_000)) / 1000 }
        func n(_ q: Int32) -> Double { Double(DecimalText.roundedDivision(Int64(q) * 1000, 65536)) / 1000 }
        func l(_ level: Double) -> Double { (level * 100).rounded() / 100 }
        self.init(n: number, point: hold.point, startS: s(r.startNs), endS: s(r.endNs), holdS: s(r.holdNs),
                  meanN: n(r.meanForce), peakN: n(r.peakForce), meanLevel: l(hold.meanLevel), peakLevel: l(hold.peakLevel),
                  targetS: s(r.targetNs), overS: s(r.overNs), regrips: r.regrips,
                  sagPct: hold.sagPermille.map { Double($0) / 10 }, wobblePct: hold.wobblePermille.map { Double($0) / 10 },
                  targetPct: Double(hold.targetPermille) / 10, gaps: r.gaps > 0 ? r.gaps : nil,
                  cutByGap: r.endedByGap ? true : nil, open: r.endedByStreamEnd ? true : nil)
    }

    enum CodingKeys: String, CodingKey {
        case n, point, regrips, gaps, open
        case startS = "start_s", endS = "end_s", holdS = "hold_s", meanN = "mean_n", peakN = "peak_n"
        case meanLevel = "mean_level", peakLevel = "peak_level", targetS = "target_s", overS = "over_s"
        case cutByGap = "cut_by_gap", sagPct = "sag_pct", wobblePct = "wobble_pct", targetPct = "target_pct"
    }

    // `point` is written as null when there is none (the file's form); the rest of the optionals are left out.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(n, forKey: .n)
        try c.encode(point, forKey: .point)
        try c.encode(startS, forKey: .startS)
        try c.encode(endS, forKey: .endS)
        try c.encode(holdS, forKey: .holdS)
        try c.encode(meanN, forKey: .meanN)
        try c.encode(peakN, forKey: .peakN)
        try c.encode(meanLevel, forKey: .meanLevel)
        try c.encode(peakLevel, forKey: .peakLevel)
        try c.encode(targetS, forKey: .targetS)
        try c.encode(overS, forKey: .overS)
        try c.encode(regrips, forKey: .regrips)
        if targetPct != nil {  // a hold with steadiness says so, with nulls where it could not be measured
            try c.encode(sagPct, forKey: .sagPct)
            try c.encode(wobblePct, forKey: .wobblePct)
            try c.encode(targetPct, forKey: .targetPct)
        }
        try c.encodeIfPresent(gaps, forKey: .gaps)
        try c.encodeIfPresent(cutByGap, forKey: .cutByGap)
        try c.encodeIfPresent(open, forKey: .open)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        n = try c.decode(Int.self, forKey: .n)
        point = try c.decodeIfPresent(String.self, forKey: .point)
        startS = try c.decode(Double.self, forKey: .startS)
        endS = try c.decode(Double.self, forKey: .endS)
        holdS = try c.decode(Double.self, forKey: .holdS)
        meanN = try c.decode(Double.self, forKey: .meanN)
        peakN = try c.decode(Double.self, forKey: .peakN)
        meanLevel = try c.decode(Double.self, forKey: .meanLevel)
        peakLevel = try c.decode(Double.self, forKey: .peakLevel)
        targetS = try c.decode(Double.self, forKey: .targetS)
        overS = try c.decode(Double.self, forKey: .overS)
        // Files written before re-grips were counted have none.
        regrips = try c.decodeIfPresent(Int.self, forKey: .regrips) ?? 0
        sagPct = try c.decodeIfPresent(Double.self, forKey: .sagPct)
        wobblePct = try c.decodeIfPresent(Double.self, forKey: .wobblePct)
        targetPct = try c.decodeIfPresent(Double.self, forKey: .targetPct)
        gaps = try c.decodeIfPresent(Int.self, forKey: .gaps)
        cutByGap = try c.decodeIfPresent(Bool.self, forKey: .cutByGap)
        open = try c.decodeIfPresent(Bool.self, forKey: .open)
    }
}
