import HoldfastCore
import HoldfastSession

/// The course of care as text for an 80-column terminal: per point a row per
/// session (dose, sag, PPT pre → post), then the outcomes, then the flags.
public enum TerminalReport {
    public static let width = 80

    public static func render(_ care: CourseOfCare) -> String {
        var out: [String] = []
        let s = care.sessions
        let span = s.isEmpty ? "" : " (\(s[0].date) to \(s[s.count - 1].date))"
        out.append("Course of care: client \(care.client), \(s.count) session\(s.count == 1 ? "" : "s")\(span)")
        for session in s where !session.complete {
            out.append("  session \(session.number) ended without a summary: counted with what it holds")
        }
        let widths = [2, -10, 5, 7, 5, 7, 6, 6, 6, 6, 6]
        for point in care.points {
            out.append("")
            out.append(TerminalText.escaped(point ?? "(no point)", limit: width))
            out.append(row(["#", "date", "holds", "hold s", "level", "tgt s", "over s", "sag %", "pre N", "post N", "chg"], widths))
            for session in s {
                guard let p = session[point] else { continue }
                out.append(row(["\(session.number)", session.date, "\(p.holds)", f1(p.holdS), p.meanLevel.map(f1) ?? "-",
                                f1(p.targetS), f1(p.overS) + (p.overS > 0 ? "!" : ""), p.sagPct.map(f1) ?? "-",
                                p.preMean.map(f1) ?? "-", p.postMean.map(f1) ?? "-", p.changeFraction.map(percent) ?? "-"], widths))
            }
        }
        let reported = s.filter { !$0.outcomes.isEmpty }
        if !reported.isEmpty {
            out.append("")
            out.append("Outcomes")
            for session in reported {
                let text = session.outcomes.map { TerminalText.escaped($0.outcome.summary, limit: 60) }.joined(separator: "; ")
                out += wrap("\(pad("\(session.number)", 2)) \(session.date)  ", text)
            }
        }
        let flags = care.flags
        out.append("")
        out.append(flags.isEmpty ? "Flags: none" : "Flags")
        for flag in flags { out += wrap(" ! ", TerminalText.escaped(flag.message, limit: 400)) }
        if !care.unreadable.isEmpty {
            out.append("")
            out.append("Not read (the report goes on without them):")
            for why in care.unreadable { out += wrap("  ", why) }
        }
        return out.map { String($0.prefix(width)) }.joined(separator: "\n") + "\n"
    }

    /// `text` after `lead`, wrapped at word boundaries to the width, continuation lines indented like it.
    static func wrap(_ lead: String, _ text: String) -> [String] {
        var lines: [String] = []
        var line = lead
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width, line.count > lead.count {
                lines.append(line)
                line = String(repeating: " ", count: lead.count)
            }
            line += (line.count > lead.count ? " " : "") + word
        }
        lines.append(line)
        return lines
    }

    /// One row, cut to its columns: the report keeps to 80.
    static func row(_ cells: [String], _ widths: [Int]) -> String { TextTable.row(cells, widths, cut: true) }

    static func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    static func f1(_ v: Double) -> String { DecimalText.fixed(v, decimals: 1) }
    static func percent(_ v: Double) -> String { (v >= 0 ? "+" : "") + DecimalText.fixed(v * 100, decimals: 0) + "%" }
}

/// One row per point and session, and one per outcome, for spreadsheets
/// (RFC 4180; text cells quoted and defused, numbers plain).
public enum CSVReport {
    public static let header = "record,session,date,point,holds,hold_s,mean_level,target_s,over_s,sag_pct,ppt_pre_n,ppt_post_n,"
        + "ppt_change_pct,outcome,pain\r\n"

    public static func render(_ care: CourseOfCare) -> String {
        var out = header
        func n(_ v: Double?, _ d: Int = 3) -> String { v.map { DecimalText.fixed($0, decimals: d) } ?? "" }
        func text(_ s: String?) -> String { "\"" + SpreadsheetText.defused(s ?? "").replacing("\"", with: "\"\"") + "\"" }
        for s in care.sessions {
            for p in s.points {
                out += ["point", "\(s.number)", text(s.date), text(p.point), "\(p.holds)", n(p.holdS), n(p.meanLevel, 2), n(p.targetS),
                        n(p.overS), n(p.sagPct, 1), n(p.preMean), n(p.postMean), n(p.changeFraction.map { $0 * 100 }, 1), "", ""]
                    .joined(separator: ",") + "\r\n"
            }
            for o in s.outcomes {
                var pain = ""
                if case .pain(let level, _) = o.outcome { pain = "\(level)" }
                out += ["outcome", "\(s.number)", text(s.date), "", "", "", "", "", "", "", "", "", "", text(o.outcome.summary), pain]
                    .joined(separator: ",") + "\r\n"
            }
        }
        return out
    }
}
