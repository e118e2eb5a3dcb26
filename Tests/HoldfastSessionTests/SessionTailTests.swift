import Foundation
import HoldfastSession
import HoldfastTestSupport
import Testing

/// The sync follows session files while the daemon writes them: it must take
/// every complete line once, never half a line, and notice a file that shrank.
@Suite("Session tail")
struct SessionTailTests {
    static let header = #"{"type":"session","format":1,"source":{"kind":"sensor","client":"jd42"}}"#
    static func mark(_ i: Int) -> String { #"{"type":"mark","t_s":\#(i).000,"note":"m\#(i)"}"# }

    func append(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    @Test func aLineWithoutItsNewlineWaitsUntilItHasOne() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("s.jsonl", Self.header + "\n" + Self.mark(1) + "\n" + #"{"type":"mark","t_"#)
        let first = try SessionTail.read(path: path, from: .start)
        #expect(first.lines.map(\.number) == [1, 2])
        #expect(first.reachedEnd)
        #expect(first.position == SessionPosition(offset: Int64(Self.header.utf8.count + Self.mark(1).utf8.count + 2), lines: 2))
        #expect(try SessionTail.linesAfter(path: path, position: first.position) == 0)
        // The writer finishes the line, and adds a blank one and another record.
        try append(path, #"s":2.000,"note":"m2"}"# + "\n\n" + Self.mark(3) + "\n")
        #expect(try SessionTail.linesAfter(path: path, position: first.position) == 3)
        let second = try SessionTail.read(path: path, from: first.position)
        #expect(second.lines.map(\.number) == [3, 5], "the blank line 4 is counted, not returned")
        #expect(String(decoding: second.lines[0].bytes, as: UTF8.self) == Self.mark(2))
        #expect(second.lines[0].recordType == "mark")
        #expect(second.position.lines == 5)
        #expect(try SessionTail.read(path: path, from: second.position).lines.isEmpty)
    }

    @Test func readsInChunksThatJoinUpExactly() throws {
        let dir = try ScratchDirectory()
        var random = SeededRandom(fallback: 14)
        let lines = [Self.header] + (1...500).map { Self.mark($0) + String(repeating: " ", count: Int.random(in: 0...300, using: &random)) }
        let path = try dir.write("s.jsonl", lines.joined(separator: "\n") + "\n")
        var position = SessionPosition.start
        var seen: [String] = []
        var reads = 0
        while true {
            let chunk = try SessionTail.read(path: path, from: position, maxLines: Int.random(in: 1...40, using: &random),
                                             maxBytes: Int.random(in: 1...8000, using: &random))
            seen += chunk.lines.map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(chunk.lines.first.map { $0.offset == position.offset } ?? true, "\(random.replay)")
            position = chunk.position
            reads += 1
            if chunk.reachedEnd { break }
        }
        #expect(seen == lines, "\(random.replay)")
        #expect(reads > 10)
    }

    @Test func aFileShorterThanWhatWasReadIsAnError() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("s.jsonl", Self.header + "\n" + Self.mark(1) + "\n")
        let read = try SessionTail.read(path: path, from: .start)
        try dir.write("s.jsonl", Self.header + "\n")
        do {
            _ = try SessionTail.read(path: path, from: read.position)
            Issue.record("a truncated file was read")
        } catch {
            #expect(error.reason.contains("truncated or replaced"), "\(error)")
        }
    }

    @Test func aLineLongerThanAnyRecordIsAnErrorNamingItsNumber() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("s.jsonl", Self.header + "\n" + String(repeating: "x", count: SessionFile.maxLineBytes + 10) + "\n")
        do {
            _ = try SessionTail.read(path: path, from: .start)
            Issue.record("accepted")
        } catch {
            #expect(error.reason.hasPrefix("line 2: longer than"), "\(error)")
        }
    }
}
