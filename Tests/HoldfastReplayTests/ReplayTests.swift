import Foundation
import HoldfastCore
import HoldfastReplay
import HoldfastTestSupport
import Testing

@Suite("Replay")
struct ReplayTests {
    /// A 1 kHz trace with two holds of 10 s, as CSV text.
    static func twoHolds(badLineAfter: Int? = nil) -> String {
        var text = "time_s,force_n,point\n"
        var row = 0
        for i in 0..<30_000 {
            let t = Double(i) / 1000
            let f: Double = (t >= 1 && t < 11) || (t >= 15 && t < 25) ? 30 : 0
            let label = i == 0 ? "point A" : i == 14_000 ? "point B" : ""
            text += "\(DecimalText.format(Int64(i), decimals: 3)),\(f),\(label)\n"
            row += 1
            if row == badLineAfter { text += "oops,1\n" }
        }
        return text
    }

    @Test func aCompleteReplayIsPublishedUnderItsName() throws {
        let dir = try ScratchDirectory()
        let trace = try dir.write("t.csv", Self.twoHolds())
        let session = dir.file("s.jsonl")
        let result = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: session))
        #expect(result.summary.holds.map(\.point) == ["point A", "point B"])
        #expect(fileExists(session))
        #expect(!fileExists(session + ".partial"))
        let lines = try readJSONLines(session)
        #expect(lines.map { $0["type"] as? String } == ["session", "hold", "hold", "summary"])
        #expect(lines.first?["rate_hz"] as? Double == 1000)
    }

    @Test func aBadRowStopsTheReplayAndKeepsWhatWasRecorded() throws {
        let dir = try ScratchDirectory()
        // The bad row comes after the first hold has ended.
        let trace = try dir.write("t.csv", Self.twoHolds(badLineAfter: 13_000))
        let session = dir.file("s.jsonl")
        try dir.write("s.jsonl", "an earlier complete session\n")
        var thrown: ReplayError?
        do { _ = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: session)) } catch { thrown = error }
        let message = try #require(thrown).description
        #expect(message.contains("t.csv:13002: time_s is not a number: \"oops\""), "\(message)")
        // The earlier file is untouched; the partial holds the first hold and says why it stopped.
        #expect(try String(contentsOfFile: session, encoding: .utf8) == "an earlier complete session\n")
        let partial = try readJSONLines(session + ".partial")
        #expect(partial.map { $0["type"] as? String } == ["session", "hold", "error"])
        #expect((partial.last?["message"] as? String)?.contains("13002") == true)
    }

    @Test func aSessionThatCannotBeCreatedIsNamed() throws {
        let dir = try ScratchDirectory()
        let trace = try dir.write("t.csv", Self.twoHolds())
        do {
            _ = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: "/nonexistent-dir/s.jsonl"))
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("/nonexistent-dir/s.jsonl"))
            #expect(error.description.contains("No such file or directory"))
        }
    }

    /// `--session` never destroys what it names: the input (by any path), a device, a FIFO, a directory.
    @Test func theSessionIsNeverWrittenOverTheInputOrANonRegularFile() throws {
        let dir = try ScratchDirectory()
        let text = Self.twoHolds()
        let trace = try dir.write("t.csv", text)
        #expect(link(trace, dir.file("hard.csv")) == 0)
        #expect(symlink(trace, dir.file("soft.jsonl")) == 0)
        #expect(mkfifo(dir.file("fifo.jsonl.partial"), 0o600) == 0)
        #expect(mkdir(dir.file("d.jsonl"), 0o700) == 0)
        let tracePartial = try dir.write("in.jsonl.partial", text)
        var refused: [(input: String, session: String, why: String)] = [
            (trace, trace, "the input file itself"),
            (trace, dir.file("hard.csv"), "the input file itself"),
            (trace, dir.file("soft.jsonl"), "symbolic link"),
            (tracePartial, dir.file("in.jsonl"), "the input file itself"),
            (trace, dir.file("fifo.jsonl"), "a FIFO (named pipe), not a regular file"),
            (trace, dir.file("d.jsonl"), "a directory, not a regular file"),
        ]
        // A device node of our own (where we may make one), never the real /dev/null: a regression must not replace it.
        if mknod(dir.file("null.jsonl"), S_IFCHR | 0o600, (1 << 8) | 3) == 0 {  // major 1, minor 3
            refused.append((trace, dir.file("null.jsonl"), "a character device, not a regular file"))
        }
        for (input, session, why) in refused {
            do {
                _ = try Replay.run(ReplayOptions(tracePath: input, sessionPath: session))
                Issue.record("wrote a session to \(session)")
            } catch {
                #expect(error.isUsageError && error.description.contains(why), "\(error)")
            }
        }
        #expect(try String(contentsOfFile: trace, encoding: .utf8) == text)
        #expect(try String(contentsOfFile: tracePartial, encoding: .utf8) == text)
        var info = stat()
        #expect(stat(dir.file("null.jsonl"), &info) != 0 || info.st_mode & S_IFMT == S_IFCHR)
        // An earlier regular session file that is not the input is replaced, as before.
        let earlier = try dir.write("s.jsonl", "an earlier session\n")
        _ = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: earlier))
        #expect(try readJSONLines(earlier).last?["type"] as? String == "summary")
    }

    @Test(arguments: [
        ("time_s,force_n\n0,1\n", "needs at least 2 samples"),
        ("time_s,force_n\n0,1\n0,1\n0,1\n", "needs at least 2 samples"),
        ("time_s,force_n\n0,1\n1,1\n2,1\n", "supported is 40 Hz to 20 kHz"),
    ])
    func tracesThatCannotBeFilteredAreRefused(text: String, expected: String) throws {
        let dir = try ScratchDirectory()
        let trace = try dir.write("t.csv", text)
        do {
            _ = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: nil))
            Issue.record("no error")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    /// The ring's size and batch size change how the two threads interleave,
    /// never the result: the session file is byte-identical.
    @Test func resultsDoNotDependOnThreadInterleaving() throws {
        let dir = try ScratchDirectory()
        let trace = try dir.write("t.csv", Self.twoHolds())
        var outputs: [String] = []
        for (capacity, batch) in [(16_384, 1024), (2, 1), (8, 3), (64, 64)] {
            var options = ReplayOptions(tracePath: trace, sessionPath: dir.file("s\(capacity).jsonl"))
            options.ringCapacity = capacity
            options.batchSize = batch
            _ = try Replay.run(options)
            outputs.append(try String(contentsOfFile: dir.file("s\(capacity).jsonl"), encoding: .utf8))
        }
        #expect(Set(outputs).count == 1)
    }
}
