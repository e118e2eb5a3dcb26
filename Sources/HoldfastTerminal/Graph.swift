import HoldfastCore

/// The recent force as a column chart, with the target band (levels 5.5–7.5) shaded.
enum Graph {
    static func render(_ history: [Double], scale: PressureScale, width: Int, rows: Int) -> [Screen.Line] {
        let columns = max(10, width - 8)
        let top = max(scale.force(atLevel: 10) ?? 60, history.max() ?? 0, 10)
        let bandLow = scale.force(atLevel: PressureScale.targetLevels.lowerBound) ?? 0
        let bandHigh = scale.force(atLevel: PressureScale.targetLevels.upperBound) ?? 0
        // One column per bucket of frames, the highest force in it.
        var values = [Double](repeating: 0, count: columns)
        if !history.isEmpty {
            for c in 0..<columns {
                let from = c * history.count / columns
                let to = max(from + 1, (c + 1) * history.count / columns)
                values[c] = history[min(from, history.count - 1)..<min(to, history.count)].max() ?? 0
            }
        }
        var lines: [Screen.Line] = []
        var bandLabelled = false
        for r in 0..<rows {
            let high = top * Double(rows - r) / Double(rows)
            let low = top * Double(rows - r - 1) / Double(rows)
            let inBand = high > bandLow && low < bandHigh
            var text = ""
            for v in values { text += v >= (low + high) / 2 ? "#" : (inBand ? "-" : " ") }
            var label = r == 0 ? String(format1: top) + " N" : r == rows - 1 ? "0 N" : ""
            if inBand && !bandLabelled && label.isEmpty {
                label = "target"
                bandLabelled = true
            }
            lines.append(Screen.Line([(Screen.pad(label, 7) + " ", .dim), (text, inBand ? .zone(.target) : .plain)]))
        }
        return lines
    }
}
