import HoldfastCore
import HoldfastSession

/// The plain-text account of a replayed session that a therapist reads:
/// each hold, then a table per point.
public enum SummaryReport {
    public static func render(_ result: ReplayResult, session: String?) -> String {
        let s = result.summary
        var out = ""
        out += "Replayed \(s.samples) samples over \(seconds(s.durationNs)) s at \(result.rateHz) Hz"
        out += " (\(s.dropped) dropped, \(s.saturated) saturated)\n"
        out += "\(count(s.holds.count, "hold")), \(count(s.touches, "touch", plural: "touches"))\n"
        if let a = result.acquisition {
            out += "Sensor: \(a.samples) samples at \(DecimalText.format(Int64((a.achievedRateHz * 10).rounded()), decimals: 1)) Hz, "
            out += "\(count(a.errors, "bus error")), \(count(a.recoveries, "recovery", plural: "recoveries")), "
            out += "\(count(a.gaps, "gap")) (longest \(seconds(a.longestGapNs)) s), \(a.polledSamples) polled, \(a.saturated) saturated\n"
        }
        if s.gaps > 0 { out += "\(count(s.gaps, "gap")) in the trace longer than a hold can bridge: the holds around them are split\n" }
        for warning in s.warnings { out += "Warning: \(warning)\n" }
        out += "\n"
        if !s.holds.isEmpty {
            let holdWidths = [3, -22, 6, 7, 7, 7, 9, 9, 9, 8, 8]
            out += row(["#", "point", "start", "hold s", "mean N", "peak N", "mean lvl", "peak lvl", "target s", "over s",
                        "regrips"], holdWidths)
            for (i, h) in s.holds.enumerated() {
                let r = h.record
                out += row(["\(i + 1)", h.point ?? "-", clock(r.startNs), seconds(r.holdNs),
                            newtons(r.meanForce), newtons(r.peakForce), level(h.meanLevel), level(h.peakLevel),
                            seconds(r.targetNs), seconds(r.overNs) + (r.overNs > 0 ? " !" : ""), "\(r.regrips)"], holdWidths)
            }
            out += "\nPer point\n"
            let pointWidths = [-22, 6, 8, 9, 9, 9, 8]
            out += row(["point", "holds", "total s", "mean lvl", "peak lvl", "target s", "over s"], pointWidths)
            for p in PointTable(s.holds).rows {
                out += row([p.point ?? "-", "\(p.holds)", seconds(p.holdNs), level(p.meanLevel), level(p.peakLevel),
                            seconds(p.targetNs), seconds(p.overNs)], pointWidths)
            }
        }
        if let ledger = s.ppt, ledger.trialCount > 0 {
            out += "\nPressure-pain thresholds (valid trials' mean; ramp \(DecimalText.fixed(ledger.policy.band.lowerBound, decimals: 1))"
                + "-\(DecimalText.fixed(ledger.policy.band.upperBound, decimals: 1)) N/s)\n"
            let widths = [-22, 12, 12, 10, 8, 10]
            out += row(["point", "pre N", "post N", "change N", "change", "beyond MDC"], widths)
            func n(_ v: Double?) -> String { v.map { DecimalText.fixed($0, decimals: 1) } ?? "-" }
            for p in ledger.points {
                func phase(_ v: [Double], _ mean: Double?) -> String { n(mean) + " (\(v.count))" }
                out += row([p.point ?? "-", phase(p.pre, p.preMean), phase(p.post, p.postMean), n(p.changeN),
                            p.changeFraction.map { DecimalText.fixed($0 * 100, decimals: 0) + " %" } ?? "-",
                            p.beyond(mdc: ledger.policy.mdcFraction).map { $0 ? "yes" : "no" } ?? "-"], widths)
            }
            if ledger.points.contains(where: { $0.invalid > 0 }) {
                out += "(\(ledger.points.map(\.invalid).reduce(0, +)) trial(s) not counted: see the session file's ppt records)\n"
            }
        }
        if let session { out += "\nSession file: \(session)\n" }
        return out
    }

    /// One table row and its newline.
    static func row(_ cells: [String], _ widths: [Int]) -> String { TextTable.row(cells, widths) + "\n" }

    static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    static func seconds(_ ns: Int64) -> String { DecimalText.format(DecimalText.roundedDivision(ns, 100_000_000), decimals: 1) }
    static func newtons(_ q: Int32) -> String { DecimalText.format(DecimalText.roundedDivision(Int64(q) * 10, 65536), decimals: 1) }
    static func level(_ l: Double) -> String { DecimalText.format(Int64((l * 10).rounded()), decimals: 1) }
    static func clock(_ ns: Int64) -> String {
        let s = max(0, ns) / 1_000_000_000
        let mm = s / 60, ss = s % 60
        return "\(mm):\(ss < 10 ? "0" : "")\(ss)"
    }
}
