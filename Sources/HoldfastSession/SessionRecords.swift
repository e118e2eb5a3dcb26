import HoldfastCore

/// The current session-file format; see docs/session-format.md.
public let sessionFormatVersion = 1

/// Where a session's samples came from.
public struct SessionSource: Sendable, Equatable {
    public var kind: String          // "replay"
    public var trace: String?        // file name of the trace
    public var scenario: String?     // from the trace's "# scenario:" header
    public var sensor: String?       // the emulated chip, for "emulated-sensor"; the sensor identity live
    public var started: String?      // wall-clock start (ISO 8601, UTC), live sessions
    public var client: String?       // the client's pseudonym, live sessions (and traces that name one)
    public var date: String?         // the day of a replayed session, from the trace's "# date:" header
    public init(kind: String, trace: String? = nil, scenario: String? = nil) {
        self.kind = kind
        self.trace = trace
        self.scenario = scenario
    }
}

/// A completed hold with its point label, in the units of the session file.
public struct SessionHold: Sendable, Equatable {
    public var point: String?
    public var record: HoldRecord
    public var meanLevel: Double
    public var peakLevel: Double

    public init(point: String?, record: HoldRecord, scale: PressureScale) {
        self.point = point
        self.record = record
        meanLevel = scale.level(atForce: Q16.newtons(record.meanForce))
        peakLevel = scale.level(atForce: Q16.newtons(record.peakForce))
    }

    /// Steadiness in tenths of a percent, as the file gives it.
    public var sagPermille: Int64? { record.steadiness?.sagPermille }
    public var wobblePermille: Int64? { record.steadiness?.wobblePermille }
    /// The share of the hold in the target zone.
    public var targetPermille: Int64 {
        record.holdNs > 0 ? DecimalText.roundedDivision(record.targetNs * 1000, record.holdNs) : 0
    }
}

extension PointTable {
    /// The table of a session's holds.
    public init(_ holds: [SessionHold]) {
        self.init()
        for h in holds {
            add(point: h.point, holdNs: h.record.holdNs, meanLevel: h.meanLevel, peakLevel: h.peakLevel,
                targetNs: h.record.targetNs, overNs: h.record.overNs)
        }
    }
}

/// How a session ended cleanly.
public struct SessionSummary: Sendable, Equatable {
    public var acquisition: AcquisitionSummary?
    public var samples: Int
    public var durationNs: Int64
    public var holds: [SessionHold]
    public var touches: Int
    public var dropped: Int
    public var saturated: Int
    /// Stretches without samples longer than a hold can bridge (replay; a live session counts them in `acquisition`).
    public var gaps = 0
    /// What the therapist should know about the numbers (thresholds near the target zone, an un-zeroed trace).
    public var warnings: [String] = []
    /// The PPT trials, when the session could have any (a trace with an event column, a live session).
    public var ppt: PPTLedger?
    public init(samples: Int, durationNs: Int64, holds: [SessionHold], touches: Int, dropped: Int, saturated: Int) {
        self.samples = samples
        self.durationNs = durationNs
        self.holds = holds
        self.touches = touches
        self.dropped = dropped
        self.saturated = saturated
    }
}

/// The units of the session file, in one place: seconds with 3 decimals,
/// newtons with 3, levels with 2.
extension JSONLine {
    public mutating func field(_ name: String, nanoseconds ns: Int64) {
        field(name, scaled: DecimalText.roundedDivision(ns, 1_000_000), decimals: 3)
    }
    public mutating func field(_ name: String, q16 force: Int32) {
        field(name, scaled: DecimalText.roundedDivision(Int64(force) * 1000, 65536), decimals: 3)
    }
    public mutating func field(_ name: String, level: Double) {
        field(name, scaled: Int64((level * 100).rounded()), decimals: 2)
    }
}

/// Encoding of the record types as JSON lines.
public enum SessionEncoding {
    public static func header(source: SessionSource, config: SignalConfig, delayNs: Int64, ppt: PPTPolicy? = nil) -> [UInt8] {
        var src = JSONLine()
        src.field("kind", source.kind)
        if let trace = source.trace { src.field("trace", trace) }
        if let scenario = source.scenario { src.field("scenario", scenario) }
        if let sensor = source.sensor { src.field("sensor", sensor) }
        if let started = source.started { src.field("started", started) }
        if let client = source.client { src.field("client", client) }
        if let date = source.date { src.field("date", date) }
        let points = config.scale.points.map { p -> [UInt8] in
            var o = JSONLine()
            o.field("force_n", p.forceN)
            o.field("level", p.level)
            return o.object()
        }
        let rules = config.holdRules
        let resolved = config.thresholds
        var thresholds = JSONLine()
        thresholds.field("start_n", scaled: Int64((resolved.startN * 1000).rounded()), decimals: 3)
        thresholds.field("end_n", scaled: Int64((resolved.endN * 1000).rounded()), decimals: 3)
        thresholds.field("from_scale", rules.startN == nil && rules.endN == nil)
        thresholds.field("max_dip_s", resolved.maxDipS)
        thresholds.field("max_regrip_s", resolved.maxRegripS)
        thresholds.field("min_hold_s", resolved.minHoldS)
        var filter = JSONLine()
        filter.field("kind", "critical2")
        filter.field("cutoff_hz", config.cutoffHz)
        filter.field("spike_window", config.spikeRejection ? 5 : 0)
        filter.field("zero_tracking", config.zeroTracking)
        filter.field("delay_s", scaled: DecimalText.roundedDivision(delayNs, 1000), decimals: 6)
        var zones = JSONLine()
        zones.field("target_levels", raw: JSONLine.array([PressureScale.targetLevels.lowerBound,
                                                           PressureScale.targetLevels.upperBound].map(JSONLine.number)))
        zones.field("over_level", PressureScale.overLevel)

        var line = JSONLine()
        line.field("type", "session")
        line.field("format", sessionFormatVersion)
        line.field("source", raw: src.object())
        line.field("rate_hz", config.sampleRateHz)
        line.field("scale", raw: JSONLine.array(points))
        line.field("thresholds", raw: thresholds.object())
        line.field("filter", raw: filter.object())
        line.field("zones", raw: zones.object())
        if let ppt {
            var o = JSONLine()
            o.field("rate_n_s", ppt.rateNPerS)
            o.field("rate_tolerance", ppt.tolerance)
            o.field("trials", ppt.trials)
            if let area = ppt.probeAreaCm2 { o.field("probe_area_cm2", area) } else { o.field("probe_area_cm2", nil as String?) }
            o.field("mdc", ppt.mdcFraction)
            line.field("ppt", raw: o.object())
        }
        if let warning = resolved.warning(for: config.scale) { line.field("warnings", raw: JSONLine.array([JSONLine.string(warning)])) }
        return line.line()
    }

    public static func hold(_ hold: SessionHold, number: Int) -> [UInt8] {
        let r = hold.record
        var line = JSONLine()
        line.field("type", "hold")
        line.field("n", number)
        line.field("point", hold.point)
        line.field("start_s", nanoseconds: r.startNs)
        line.field("end_s", nanoseconds: r.endNs)
        line.field("hold_s", nanoseconds: r.holdNs)
        line.field("mean_n", q16: r.meanForce)
        line.field("peak_n", q16: r.peakForce)
        line.field("mean_level", level: hold.meanLevel)
        line.field("peak_level", level: hold.peakLevel)
        line.field("target_s", nanoseconds: r.targetNs)
        line.field("over_s", nanoseconds: r.overNs)
        line.field("regrips", r.regrips)
        line.field("sag_pct", scaled: hold.sagPermille, decimals: 1)
        line.field("wobble_pct", scaled: hold.wobblePermille, decimals: 1)
        line.field("target_pct", scaled: hold.targetPermille, decimals: 1)
        if r.gaps > 0 { line.field("gaps", r.gaps) }
        if r.endedByGap { line.field("cut_by_gap", true) }
        if r.endedByStreamEnd { line.field("open", true) }
        return line.line()
    }

    public static func summary(_ s: SessionSummary) -> [UInt8] {
        let table = PointTable(s.holds)
        // Points with holds in order, then points that only had PPT trials.
        let tested = s.ppt?.points.map(\.point).filter { table[$0] == nil } ?? []
        let points = (table.rows.map(\.point) + tested).map { point -> [UInt8] in
            let p = table[point]
            var o = JSONLine()
            o.field("point", point)
            o.field("holds", p?.holds ?? 0)
            o.field("hold_s", nanoseconds: p?.holdNs ?? 0)
            o.field("mean_level", level: p?.meanLevel ?? 0)
            o.field("peak_level", level: p?.peakLevel ?? 0)
            o.field("target_s", nanoseconds: p?.targetNs ?? 0)
            o.field("over_s", nanoseconds: p?.overNs ?? 0)
            if let ledger = s.ppt, let t = ledger[point] { pptFields(t, mdc: ledger.policy.mdcFraction, into: &o) }
            return o.object()
        }
        var line = JSONLine()
        line.field("type", "summary")
        line.field("samples", s.samples)
        line.field("duration_s", nanoseconds: s.durationNs)
        line.field("holds", s.holds.count)
        line.field("touches", s.touches)
        line.field("dropped", s.dropped)
        line.field("saturated", s.saturated)
        line.field("points", raw: JSONLine.array(points))
        if s.gaps > 0 { line.field("gaps", s.gaps) }
        if !s.warnings.isEmpty { line.field("warnings", raw: JSONLine.array(s.warnings.map(JSONLine.string))) }
        if let a = s.acquisition {
            var o = JSONLine()
            o.field("samples", a.samples)
            o.field("errors", a.errors)
            o.field("recoveries", a.recoveries)
            o.field("gaps", a.gaps)
            o.field("longest_gap_s", nanoseconds: a.longestGapNs)
            o.field("polled", a.polled)
            o.field("saturated", a.saturated)
            line.field("acquisition", raw: o.object())
        }
        return line.line()
    }

    /// A point's thresholds in the summary: the means of its valid trials and the change.
    static func pptFields(_ t: PPTLedger.PointPPT, mdc: Double, into o: inout JSONLine) {
        func milli(_ v: Double?) -> Int64? { v.map { Int64(($0 * 1000).rounded()) } }
        o.field("ppt_pre", scaled: milli(t.preMean), decimals: 3)
        o.field("ppt_post", scaled: milli(t.postMean), decimals: 3)
        o.field("ppt_change_n", scaled: milli(t.changeN), decimals: 3)
        o.field("ppt_change_pct", scaled: t.changeFraction.map { Int64(($0 * 1000).rounded()) }, decimals: 1)
        if let beyond = t.beyond(mdc: mdc) { o.field("ppt_beyond_mdc", beyond) } else { o.field("ppt_beyond_mdc", nil as String?) }
    }

    public static func error(_ message: String) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "error")
        line.field("message", message)
        return line.line()
    }
}
