import HoldfastCore

/// The screen as lines of text with style spans: what `holdfast watch` draws,
/// computed from the state alone so it can be tested without a terminal.
public struct Screen: Equatable {
    public enum Style: Equatable, Sendable { case plain, bold, zone(Zone), inverse, dim }

    public struct Line: Equatable {
        public var spans: [(text: String, style: Style)]
        public var text: String { spans.map(\.text).joined() }
        public static func == (a: Line, b: Line) -> Bool {
            a.spans.count == b.spans.count && zip(a.spans, b.spans).allSatisfy { $0.text == $1.text && $0.style == $1.style }
        }
        init(_ spans: [(String, Style)]) { self.spans = spans.map { (text: $0.0, style: $0.1) } }
        init(_ text: String, _ style: Style = .plain) { self.init([(text, style)]) }
    }

    public var lines: [Line]

    /// Zone names in words, so colour is never the only cue.
    public static func zoneLabel(_ zone: Zone) -> String {
        switch zone {
        case .target: "TARGET 6-7"
        case .caution: "CAUTION 8"
        case .over: "OVER 9-10 !"
        case .below: "below target"
        }
    }


    public static func render(_ s: WatchState, width: Int, height: Int, prompt: String? = nil, help: Bool = false) -> Screen {
        let w = max(40, width)
        var lines: [Line] = []
        func rule() -> Line { Line(String(repeating: "-", count: w), .dim) }

        let title = " HOLDFAST  " + (s.point ?? "(no point)")
        let session = "session " + clock(s.sessionS) + "  "
        lines.append(Line([(pad(title, w - session.count), .bold), (session, .plain)]))
        let sensor = s.connected
            ? " sensor " + s.sensorStatus + ", " + String(format1: s.rateHz) + " Hz, drops \(s.drops), faults \(s.errors)"
            : " DISCONNECTED: reconnecting to " + s.socketPath + " ..."
        lines.append(Line(pad(sensor, w), s.connected && s.sensorStatus == "ok" ? .dim : .inverse))
        if s.alarm {
            lines.append(Line(pad(center(">>> OVER-PRESSURE  level " + String(format1: s.level) + "  EASE OFF <<<", w), w), .inverse))
        } else if s.fading {
            lines.append(Line(pad(center(">>> FADING: the hold is losing pressure and leaving the target zone <<<", w), w), .inverse))
        } else {
            lines.append(rule())
        }

        // Pressure and level, the level large.
        let unit = s.unitsInKgf ? String(format1: s.forceN / 9.80665) + " kgf" : String(format1: s.forceN) + " N"
        let digits = BigDigits.render(String(format1: s.level))
        let side = [" PRESSURE " + unit, " LEVEL    " + String(format1: s.level) + " / 10",
                    " ZONE     " + zoneLabel(s.zone), " HOLD     " + clock(s.holdS) + "  " + s.stage,
                    s.signalled ? " PPT      signalled: release" : s.rampText.map { " " + $0 } ?? ""]
        for (i, row) in digits.enumerated() {
            let left = pad(i < side.count ? side[i] : "", 34)
            lines.append(Line([(left, i == 2 ? .zone(s.zone) : .plain), (pad(row, w - 34), .zone(s.zone))]))
        }
        lines.append(bar(s, width: w))
        lines.append(rule())

        // The last 30 s of force with the target band, or the table of the session that just ended.
        let graphRows = max(3, height - 15)  // 15 lines of header, level and footer
        if let ended = s.endedSession {
            var table = [Line(pad(" Session ended: per point (any key to go back)", w), .bold),
                         Line(pad(" " + pad("point", 24) + pad("holds", 7) + pad("total", 8) + "mean level", w))]
            for row in ended.rows {
                table.append(Line(pad(" " + pad(row.point ?? "-", 24) + pad("\(row.holds)", 7) + pad(clock(row.holdS), 8)
                                      + String(format1: row.meanLevel), w)))
            }
            while table.count < graphRows { table.append(Line(pad("", w))) }
            lines += table.prefix(graphRows)
        } else {
            lines += Graph.render(s.history, scale: s.scale, width: w, rows: graphRows)
        }
        lines.append(rule())

        let totals = s.totals[s.point]
        lines.append(Line(pad(" this point: \(totals?.holds ?? 0) holds, \(clock(totals?.holdS ?? 0)) total, mean level "
                              + String(format1: totals?.meanLevel ?? 0), w)))
        lines.append(Line(pad(" last hold: " + (s.lastHold ?? "-") + "   " + s.pptLine(for: s.point), w)))
        if let fault = s.fault {
            lines.append(Line(pad(" FAULT: " + fault, w), .inverse))
        } else if let warning = s.warning, s.status.isEmpty {
            lines.append(Line(pad(" NOTE: " + warning, w), .bold))
        } else {
            lines.append(Line(pad(" " + s.status, w)))
        }
        if let prompt {
            lines.append(Line(pad(" " + prompt, w), .bold))
        } else if help {
            lines.append(Line(pad(" p point  t tare  c client rates  s client signals (PPT)  o outcome  n session  q quit", w)))
        } else {
            lines.append(Line(pad(" p point  t tare  c rate  s signal  o outcome  n new session  ? help  q quit", w), .dim))
        }
        return Screen(lines: Array(lines.prefix(max(height, 1))))
    }

    static func bar(_ s: WatchState, width: Int) -> Line {
        let cells = width - 14
        let level = s.level.isFinite ? min(max(s.level, 0), 10) : 0  // whatever the daemon said
        let filled = Int((level / 10 * Double(cells)).rounded())
        let marker = Int((PressureScale.targetLevels.lowerBound / 10 * Double(cells)).rounded())
        let end = Int((PressureScale.targetLevels.upperBound / 10 * Double(cells)).rounded())
        var bar = ""
        for i in 0..<cells {
            bar += i < filled ? "#" : (i == marker || i == end ? "|" : ".")
        }
        return Line([(" 1 ", .plain), (bar, .zone(s.zone)), (" 10 ", .plain), (pad("", width - cells - 7), .plain)])
    }

    static func clock(_ seconds: Double) -> String {
        let total = seconds.isFinite ? Int(min(max(seconds, 0), 1e9)) : 0  // whatever the daemon said
        let m = total / 60, s = total % 60
        return (m < 10 ? "0" : "") + "\(m):" + (s < 10 ? "0" : "") + "\(s)"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        let chars = Array(s)
        if chars.count >= width { return String(chars.prefix(max(0, width))) }
        return s + String(repeating: " ", count: width - chars.count)
    }

    static func center(_ s: String, _ width: Int) -> String {
        let left = max(0, (width - s.count) / 2)
        return String(repeating: " ", count: left) + s
    }
}
