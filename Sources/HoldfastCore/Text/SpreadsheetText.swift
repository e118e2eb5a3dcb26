/// Text cells for CSV that a spreadsheet opens: a therapist exports a session
/// and opens it in Excel or LibreOffice, where a cell starting with `=`, `+`,
/// `-` or `@` is a formula (`=HYPERLINK(…)`, DDE `=cmd|…`), run on opening.
public enum SpreadsheetText {
    /// `text` as a cell's content (before CSV quoting): control characters shown
    /// escaped (see `TerminalText`), and a leading formula character defused
    /// with a `'` prefix, as OWASP recommends for CSV injection. Only for text
    /// cells: numbers are written as numbers, negative ones included.
    public static func defused(_ text: String) -> String {
        let visible = TerminalText.escaped(text, limit: .max)  // data: shown whole
        guard let first = visible.unicodeScalars.first, formulaStarts.contains(first) else { return visible }
        return "'" + visible
    }

    /// What makes a spreadsheet read a cell as a formula: `=`, `+`, `-`, `@`, a tab
    /// or CR (escaped before this is checked, but listed for clarity), and their
    /// full-width forms, which some spreadsheets also accept.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]
}
