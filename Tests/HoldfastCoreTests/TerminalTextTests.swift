import HoldfastCore
import Testing

@Suite("Terminal text")
struct TerminalTextTests {
    @Test(arguments: [
        ("upper trapezius L", "upper trapezius L"),
        ("a\\b \"quoted\" é ✓", "a\\b \"quoted\" é ✓"),  // printable text is unchanged
        ("\u{1B}[31mred\u{1B}[0m", "\\x1b[31mred\\x1b[0m"),
        ("tab\tnew\nline\rbell\u{7}nul\u{0}del\u{7F}", "tab\\tnew\\nline\\rbell\\x07nul\\x00del\\x7f"),
        ("c1 \u{9B}31m \u{85}", "c1 \\u{9b}31m \\u{85}"),
        ("abc\u{202E}def\u{2066}", "abc\\u{202e}def\\u{2066}"),
    ])
    func escapesControlCharacters(raw: String, shown: String) {
        #expect(TerminalText.escaped(raw) == shown)
    }

    @Test func cutsLongTextAfterTheLimit() {
        #expect(TerminalText.escaped(String(repeating: "x", count: 100), limit: 10) == "xxxxxxxxxx…")
        #expect(TerminalText.escaped("0123456789", limit: 10) == "0123456789")
        #expect(TerminalText.escaped("\u{1B}\u{1B}\u{1B}", limit: 2) == "\\x1b\\x1b…")
    }

    @Test func decodesBytesAndCutsWithoutDecodingEverything() {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [0x1B]
        huge.withUnsafeBufferPointer { #expect(TerminalText.escaped($0, limit: 5) == "aaaaa…") }
        let invalid: [UInt8] = [0x41, 0xFF, 0x1B, 0x42]
        invalid.withUnsafeBufferPointer { #expect(TerminalText.escaped($0) == "A\u{FFFD}\\x1bB") }
        // A multi-byte character cut by the byte prefix is beyond the limit, never shown broken.
        let accents = Array(String(repeating: "é", count: 50).utf8)
        accents.withUnsafeBufferPointer { #expect(TerminalText.escaped($0, limit: 3) == "ééé…") }
    }
}
