import HoldfastCore
import HoldfastSession

/// The course of care as one self-contained HTML file: inline SVG plots (PPT
/// pre and post per point across sessions, the dose per point, pain over
/// time), the tables and the flags; no script, no font, nothing fetched; A4
/// print rules so that it prints cleanly for the client's file.
public enum HTMLReport {
    /// The series' colours, also what the browser test looks for in the rendered page.
    public static let preColour = "#1f6fb4"
    public static let postColour = "#c8322c"
    public static let painColour = "#7b3fa0"
    public static let doseColours = ["#2e8b57", "#e69f00", "#56b4e9", "#cc79a7", "#8c564b", "#7f7f7f"]

    public static func render(_ care: CourseOfCare) -> String {
        let s = care.sessions
        var body = ""
        body += "<h1>Course of care: client \(escape(care.client))</h1>\n"
        body += "<p class=\"meta\">\(s.count) session\(s.count == 1 ? "" : "s")"
            + (s.isEmpty ? "" : ", \(escape(s[0].date)) to \(escape(s[s.count - 1].date))") + ". PPT: mean of the valid trials; "
            + "a change within \(Int((care.mdcFraction * 100).rounded())) % is not a change.</p>\n"
        let flags = care.flags
        body += "<section class=\"flags\"><h2>What the plan needs</h2>\n"
        body += flags.isEmpty ? "<p>No flags.</p>\n"
            : "<ul>\n" + flags.map { "<li class=\"flag \(escape($0.kind.rawValue.replacing(" ", with: "-")))\">\(escape($0.message))</li>\n" }.joined() + "</ul>\n"
        body += "</section>\n"

        body += "<section><h2>Pressure-pain threshold per point</h2>\n<div class=\"plots\">\n"
        for (i, point) in care.points.enumerated() {
            let pre = s.compactMap { x in x[point]?.preMean.map { (x.number, $0) } }
            let post = s.compactMap { x in x[point]?.postMean.map { (x.number, $0) } }
            guard !pre.isEmpty || !post.isEmpty else { continue }
            body += "<figure>" + pptPlot(id: "plot-ppt-\(i + 1)", title: point ?? "(no point)", sessions: s.count, pre: pre, post: post)
                + "</figure>\n"
        }
        body += "</div></section>\n"

        body += "<section><h2>Dose per point</h2>\n<figure class=\"wide\">"
            + dosePlot(care) + "</figure></section>\n"
        let pains = s.compactMap { x in x.pain.map { (x.number, Double($0)) } }
        body += "<section><h2>Pain over time</h2>\n<figure class=\"wide\">"
            + painPlot(sessions: s.count, pains: pains) + "</figure></section>\n"

        body += "<section class=\"tables\"><h2>Per point and session</h2>\n"
        for point in care.points {
            body += "<h3>\(escape(point ?? "(no point)"))</h3>\n<table><thead><tr><th>#</th><th>date</th><th>holds</th><th>hold s</th>"
                + "<th>mean level</th><th>target s</th><th>over s</th><th>sag %</th><th>PPT pre N</th><th>post N</th><th>change</th></tr></thead><tbody>\n"
            for x in s {
                guard let p = x[point] else { continue }
                func n(_ v: Double?) -> String { v.map { DecimalText.fixed($0, decimals: 1) } ?? "–" }
                body += "<tr><td>\(x.number)</td><td>\(escape(x.date))</td><td>\(p.holds)</td><td>\(n(p.holdS))</td><td>\(n(p.meanLevel))</td>"
                    + "<td>\(n(p.targetS))</td><td\(p.overS > 0 ? " class=\"over\"" : "")>\(n(p.overS))</td><td>\(n(p.sagPct))</td>"
                    + "<td>\(n(p.preMean))</td><td>\(n(p.postMean))</td>"
                    + "<td>\(p.changeFraction.map { TerminalReport.percent($0) } ?? "–")</td></tr>\n"
            }
            body += "</tbody></table>\n"
        }
        body += "</section>\n"
        let reported = s.filter { !$0.outcomes.isEmpty }
        if !reported.isEmpty {
            body += "<section><h2>What the client reported</h2>\n<table class=\"reported\"><thead><tr><th>#</th><th>date</th><th>reported</th></tr></thead><tbody>\n"
            for x in reported {
                body += "<tr><td>\(x.number)</td><td>\(escape(x.date))</td><td>"
                    + x.outcomes.map { escape($0.outcome.summary) }.joined(separator: "<br>") + "</td></tr>\n"
            }
            body += "</tbody></table></section>\n"
        }
        if !care.unreadable.isEmpty {
            body += "<section><h2>Files not read</h2><ul>" + care.unreadable.map { "<li>\(escape($0))</li>" }.joined() + "</ul></section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Holdfast: course of care, \(escape(care.client))</title>
            <style>\(css)</style></head>
            <body>
            \(body)</body></html>

            """
    }

    static let css = """
        @page { size: A4; margin: 14mm 12mm; }
        body { font: 10pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #111; background: #fff; margin: 0 auto; max-width: 186mm; padding: 6mm; }
        h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 1px solid #bbb; }
        h3 { font-size: 10.5pt; margin: 3mm 0 1mm; } .meta { color: #444; margin: 0 0 3mm; }
        .flags ul { margin: 0; padding-left: 5mm; } .flag { margin: 1mm 0; } .flag::marker { content: "! "; font-weight: bold; }
        .plots { display: flex; flex-wrap: wrap; gap: 3mm; } figure { margin: 0; break-inside: avoid; }
        .plots figure { width: 88mm; } figure.wide { width: 176mm; } svg { width: 100%; height: auto; display: block; }
        svg text { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; fill: #222; }
        table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; break-inside: avoid; font-size: 9pt; }
        th, td { border-bottom: 1px solid #ddd; padding: 0.6mm 1.5mm; text-align: right; } th { background: #f2f2f2; }
        td:nth-child(2), th:nth-child(2) { text-align: left; } td.over { font-weight: bold; }
        table.reported td:nth-child(3), table.reported th:nth-child(3) { text-align: left; }
        table.reported td:first-child, table.reported th:first-child { width: 8mm; }
        section { break-inside: auto; } .tables h3 { break-after: avoid; }
        @media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } }
        """

    // MARK: Plots

    /// Axes for sessions 1…n along x and `0…top` up y, in a 360×210 box; returns the SVG opening and the mapping.
    struct Frame {
        var width = 360.0
        let height = 210.0, left = 44.0, right = 12.0, top = 26.0, bottom = 30.0
        let sessions: Int
        let maxY: Double
        /// Each session has a slot; its point (or its bars) sits in the middle.
        var slot: Double { (width - left - right) / Double(max(1, sessions)) }
        func x(_ session: Int) -> Double { left + (Double(session) - 0.5) * slot }
        func y(_ v: Double) -> Double { height - bottom - v / maxY * (height - top - bottom) }
    }

    /// Round numbers for the y axis: a top at or above `maximum` and a step.
    static func ticks(_ maximum: Double) -> (top: Double, step: Double) {
        let raw = max(maximum, 1) / 4
        var step = 1.0
        while step * 10 <= raw { step *= 10 }
        for m in [1.0, 2, 2.5, 5, 10] where step * m >= raw { step *= m; break }
        return ((max(maximum, 1) / step).rounded(.up) * step, step)
    }

    static func axes(_ f: Frame, unit: String, title: String, step: Double) -> String {
        var svg = "<text x=\"\(f.left)\" y=\"15\" font-weight=\"bold\">\(escape(title))</text>"
        svg += "<line x1=\"\(f.left)\" y1=\"\(f.y(0))\" x2=\"\(f.width - f.right)\" y2=\"\(f.y(0))\" stroke=\"#333\"/>"
        svg += "<line x1=\"\(f.left)\" y1=\"\(f.top)\" x2=\"\(f.left)\" y2=\"\(f.y(0))\" stroke=\"#333\"/>"
        var v = 0.0
        while v <= f.maxY + 1e-9 {
            let y = num(f.y(v))
            svg += "<line x1=\"\(f.left)\" y1=\"\(y)\" x2=\"\(f.width - f.right)\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>"
            svg += "<text x=\"\(f.left - 5)\" y=\"\(num(f.y(v) + 4))\" text-anchor=\"end\">\(DecimalText.fixed(v, decimals: step < 1 ? 1 : 0))</text>"
            v += step
        }
        svg += "<text x=\"6\" y=\"\(num(f.top - 6))\">\(escape(unit))</text>"
        for k in 1...max(1, f.sessions) {
            svg += "<text x=\"\(num(f.x(k)))\" y=\"\(num(f.y(0) + 16))\" text-anchor=\"middle\">\(k)</text>"
        }
        svg += "<text x=\"\(num(f.width - f.right))\" y=\"\(num(f.height - 2))\" text-anchor=\"end\">session</text>"
        return svg
    }

    static func series(_ f: Frame, _ points: [(Int, Double)], colour: String, filled: Bool) -> String {
        guard !points.isEmpty else { return "" }
        let path = points.map { "\(num(f.x($0.0))),\(num(f.y($0.1)))" }.joined(separator: " ")
        var svg = "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
        for (k, v) in points {
            svg += "<circle cx=\"\(num(f.x(k)))\" cy=\"\(num(f.y(v)))\" r=\"4.5\" fill=\"\(filled ? colour : "#fff")\" "
                + "stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
        }
        return svg
    }

    static func pptPlot(id: String, title: String, sessions: Int, pre: [(Int, Double)], post: [(Int, Double)]) -> String {
        let t = ticks(((pre + post).map(\.1).max() ?? 1) * 1.1)
        let f = Frame(sessions: sessions, maxY: t.top)
        var svg = "<svg id=\"\(id)\" class=\"plot ppt\" viewBox=\"0 0 \(Int(f.width)) \(Int(f.height))\" role=\"img\" "
            + "aria-label=\"PPT at \(escape(title)) before and after treatment, per session\">"
        svg += axes(f, unit: "N", title: title, step: t.step)
        svg += series(f, pre, colour: preColour, filled: false) + series(f, post, colour: postColour, filled: true)
        let lx = f.width - f.right - 110
        svg += "<circle cx=\"\(num(lx))\" cy=\"11\" r=\"4\" fill=\"#fff\" stroke=\"\(preColour)\" stroke-width=\"2.5\"/>"
            + "<text x=\"\(num(lx + 8))\" y=\"15\">pre</text>"
            + "<circle cx=\"\(num(lx + 50))\" cy=\"11\" r=\"4\" fill=\"\(postColour)\" stroke=\"\(postColour)\" stroke-width=\"2.5\"/>"
            + "<text x=\"\(num(lx + 58))\" y=\"15\">post</text>"
        return svg + "</svg>"
    }

    static func dosePlot(_ care: CourseOfCare) -> String {
        let s = care.sessions, points = care.points
        let total = s.flatMap { x in x.points.map(\.holdS) }.max() ?? 1
        let t = ticks(total * 1.15)
        let f = Frame(width: 720, sessions: s.count, maxY: t.top)
        var svg = "<svg id=\"plot-dose\" class=\"plot dose\" viewBox=\"0 0 \(Int(f.width)) \(Int(f.height))\" role=\"img\" "
            + "aria-label=\"Total hold time per point, per session\">"
        svg += axes(f, unit: "s", title: "total hold time", step: t.step)
        let slot = f.slot * 0.7
        let bar = slot / Double(max(1, points.count))
        for x in s {
            let centre = f.x(x.number)
            for (i, point) in points.enumerated() {
                guard let p = x[point], p.holdS > 0 else { continue }
                let left = centre - slot / 2 + Double(i) * bar
                svg += "<rect x=\"\(num(left))\" y=\"\(num(f.y(p.holdS)))\" width=\"\(num(max(1, bar - 1)))\" "
                    + "height=\"\(num(f.y(0) - f.y(p.holdS)))\" fill=\"\(doseColours[i % doseColours.count])\"/>"
            }
        }
        for (i, point) in points.enumerated() {
            let x = f.left + 130 + Double(i) * 160
            svg += "<rect x=\"\(num(x))\" y=\"6\" width=\"10\" height=\"10\" fill=\"\(doseColours[i % doseColours.count])\"/>"
                + "<text x=\"\(num(x + 14))\" y=\"15\">\(escape(String((point ?? "(no point)").prefix(22))))</text>"
        }
        return svg + "</svg>"
    }

    static func painPlot(sessions: Int, pains: [(Int, Double)]) -> String {
        let f = Frame(width: 720, sessions: sessions, maxY: 10)
        var svg = "<svg id=\"plot-pain\" class=\"plot pain\" viewBox=\"0 0 \(Int(f.width)) \(Int(f.height))\" role=\"img\" "
            + "aria-label=\"Pain 0 to 10 at each session\">"
        svg += axes(f, unit: "0-10", title: "pain, first report of each session", step: 2)
        svg += series(f, pains, colour: painColour, filled: true)
        if pains.isEmpty { svg += "<text x=\"\(num(f.x(1)))\" y=\"\(num(f.y(5)))\">no pain reported</text>" }
        return svg + "</svg>"
    }

    static func num(_ v: Double) -> String { DecimalText.fixed(v, decimals: 1) }

    /// Text as HTML: &, <, >, quotes escaped; control characters shown escaped, never passed through.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in TerminalText.escaped(text, limit: 400) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
