/// Rows of a plain-text table for the terminal (replay's summary, `session
/// show`, the course-of-care report): one writer, so their columns agree.
public enum TextTable {
    /// `cells` padded to `widths`, one space apart; a negative width left-aligns
    /// (labels), a positive one right-aligns (numbers). With `cut`, a cell longer
    /// than its column is cut to it (an 80-column report); without, it pushes
    /// the rest of the row along rather than lose text. No newline.
    public static func row(_ cells: [String], _ widths: [Int], cut: Bool = false) -> String {
        var line = ""
        for (index, (cell, width)) in zip(cells, widths).enumerated() {
            let text = cut ? String(cell.prefix(abs(width))) : cell
            let padding = String(repeating: " ", count: max(0, abs(width) - text.count))
            if index > 0 { line += " " }
            line += width < 0 ? text + padding : padding + text
        }
        return line
    }
}
