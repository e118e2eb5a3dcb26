import CLinux
import HoldfastPOSIX

/// The real terminal: raw mode and the alternate screen while watching,
/// restored on every way out; draws only the lines that changed.
final class TerminalWriter {
    private var original = termios()
    private var raw = false
    private var previous: [Screen.Line] = []
    let color: Bool

    init(color: Bool) { self.color = color }

    static var isTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    var size: (rows: Int, cols: Int) {
        var rows: Int32 = 24, cols: Int32 = 80
        if holdfast_window_size(STDOUT_FILENO, &rows, &cols) != 0 || rows == 0 || cols == 0 { return (24, 80) }
        return (Int(rows), Int(cols))
    }

    func enter() {
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return }
        var t = original
        cfmakeraw(&t)
        t.c_oflag |= tcflag_t(OPOST)  // keep \n → \r\n for safety
        tcsetattr(STDIN_FILENO, TCSANOW, &t)
        raw = true
        emit("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
    }

    /// Restores the terminal. Idempotent.
    func leave() {
        emit("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        if raw { tcsetattr(STDIN_FILENO, TCSANOW, &original); raw = false }
    }

    func invalidate() {
        previous = []
        emit("\u{1B}[2J")
    }

    func bell() { emit("\u{07}") }

    /// Writes the lines that differ from the last frame.
    func draw(_ screen: Screen) {
        var out = ""
        for (i, line) in screen.lines.enumerated() where i >= previous.count || previous[i] != line {
            out += "\u{1B}[\(i + 1);1H" + styled(line) + "\u{1B}[0m\u{1B}[K"
        }
        if screen.lines.count < previous.count {
            for i in screen.lines.count..<previous.count { out += "\u{1B}[\(i + 1);1H\u{1B}[K" }
        }
        previous = screen.lines
        if !out.isEmpty { emit(out) }
    }

    private func styled(_ line: Screen.Line) -> String {
        line.spans.map { span in sgr(span.style) + span.text + "\u{1B}[0m" }.joined()
    }

    private func sgr(_ style: Screen.Style) -> String {
        switch style {
        case .plain: return ""
        case .bold: return "\u{1B}[1m"
        case .dim: return color ? "\u{1B}[2m" : ""
        case .inverse: return "\u{1B}[7m\u{1B}[1m"
        case .zone(let z):
            guard color else { return z == .over ? "\u{1B}[1m" : "" }
            switch z {
            case .target: return "\u{1B}[32m\u{1B}[1m"
            case .caution: return "\u{1B}[33m\u{1B}[1m"
            case .over: return "\u{1B}[31m\u{1B}[1m"
            case .below: return "\u{1B}[36m"
            }
        }
    }

    /// A terminal that cannot be written (closed, hung up) ends the frame; the next one tries again.
    func emit(_ text: String) {
        writeAll(STDOUT_FILENO, text.utf8)
    }
}
