import HoldfastCore
import HoldfastTestSupport
import Testing

/// Lines of hand-edited files, unsafe text recognised, and streams split into bounded lines.
@Suite("Text safety")
struct TextSafetyTests {
    /// Labels and notes may hold nothing `escaped` would rewrite; escaped text holds nothing unsafe.
    @Test func unsafeTextIsRecognisedAndEscapedAway() {
        for raw in ["a\u{1B}[2Jb", "\u{9B}31m", "x\r", "\u{202E}evil", "\u{7F}"] {
            #expect(TerminalText.containsUnsafe(raw), "\(raw.debugDescription)")
            #expect(!TerminalText.containsUnsafe(TerminalText.escaped(raw)))
        }
        #expect(!TerminalText.containsUnsafe("upper trapezius L é 日本"))
    }

    @Test func linesEndInLFCRLFOrCRAndABOMIsDropped() {
        #expect(TextLines.split("a\nb\r\nc\rd") == ["a", "b", "c", "d"])
        #expect(TextLines.split("\u{FEFF}a\r\n\r\nb\r\n") == ["a", "", "b", ""])
        #expect(TextLines.withoutComment("key = a#b  # note") == "key = a#b  ")
        #expect(TextLines.withoutComment("# all") == "")
        #expect(TextLines.withoutComment("x\t#y") == "x\t")
    }

    @Test func lineBufferHandsOutLinesAndRefusesEndlessOnes() {
        var lines = LineBuffer(maxLineBytes: 8)
        func feed(_ text: String) { Array(text.utf8).withUnsafeBytes { lines.append($0) } }
        func next() -> String? {
            guard let r = lines.nextLine() else { return nil }
            switch r {
            case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .failure: return "<too long>"
            }
        }
        feed("one\ntw")
        #expect(next() == "one")
        #expect(next() == nil)
        feed("o\n\nthree")
        #expect(next() == "two")
        #expect(next() == "")
        #expect(next() == nil)
        #expect(lines.remainder().map { String(decoding: $0, as: UTF8.self) } == "three")
        feed("12345678\n")
        #expect(next() == "12345678")  // exactly the limit
        feed("123456789")
        #expect(next() == "<too long>")  // past the limit, no newline yet: stop before it grows
        var other = LineBuffer(maxLineBytes: 4)
        Array("123456\n".utf8).withUnsafeBytes { other.append($0) }
        #expect({ if case .failure = other.nextLine() { true } else { false } }())
    }

    /// Compaction never loses or reorders bytes, however the stream is cut into chunks.
    @Test func lineBufferIsIndependentOfChunking() {
        var generator = SeededRandom(fallback: 0x5EED_1234)
        let replay = generator.replay
        func random(_ n: Int) -> Int { Int.random(in: 0..<n, using: &generator) }
        let words = (0..<500).map { i in String(repeating: "w", count: random(30)) + "\(i)" }
        let stream = Array((words.joined(separator: "\n") + "\n").utf8)
        var lines = LineBuffer(maxLineBytes: 64)
        var got: [String] = []
        var offset = 0
        while offset < stream.count {
            let n = min(stream.count - offset, 1 + random(40))
            stream[offset..<offset + n].withUnsafeBytes { lines.append($0) }
            offset += n
            while let r = lines.nextLine() {
                guard case .success(let line) = r else { Issue.record("too long (\(replay))"); return }
                got.append(String(decoding: line, as: UTF8.self))
            }
        }
        #expect(got == words, "\(replay)")
    }
}
