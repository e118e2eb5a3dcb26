import Foundation
import HoldfastSession
import HoldfastTestSupport
import Testing

@Suite("Session file reader")
struct SessionFileTests {
    static let header = #"{"type":"session","format":1,"source":{"kind":"sensor","started":"2026-11-29T10:00:00Z","client":"jd42"}}"#
    static func hold(_ n: Int, _ point: String, hold: Double, level: Double) -> String {
        #"{"type":"hold","n":\#(n),"point":"\#(point)","start_s":\#(n * 100),"end_s":\#(Double(n * 100) + hold),"hold_s":\#(hold),"mean_n":30,"peak_n":35,"mean_level":\#(level),"peak_level":\#(level + 1),"target_s":\#(hold / 2),"over_s":0}"#
    }

    func file(_ lines: [String], trailingNewline: Bool = true) throws -> (String, ScratchDirectory) {
        let dir = try ScratchDirectory()
        let text = lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")
        return (try dir.write("s.jsonl", text), dir)
    }

    @Test func aCrashedSessionKeepsEveryCompleteHold() throws {
        let (path, _dir) = try file([Self.header, Self.hold(1, "A", hold: 40, level: 6), Self.hold(2, "B", hold: 20, level: 5),
                                     #"{"type":"hold","n":3,"po"#], trailingNewline: false)
        var holds: [SessionFile.Hold] = []
        let s = try SessionFile(path: path, onHold: { holds.append($0) })
        #expect(holds.count == 2 && s.holdCount == 2)
        #expect(holds.map(\.point) == ["A", "B"])
        #expect(s.tornLastLine)
        #expect(!s.complete)
        #expect(s.client == "jd42")
        withExtendedLifetime(_dir) {}
    }

    @Test func perPointTableAndCSV() throws {
        let (path, _dir) = try file([Self.header, Self.hold(1, "A", hold: 30, level: 6), Self.hold(2, "B", hold: 20, level: 5),
                                     #"{"type":"gap","t_s":215.250,"missing_s":1.277}"#,
                                     Self.hold(3, "A", hold: 10, level: 8), #"{"type":"summary","holds":3}"#])
        var rows = [SessionFile.csvHeader]
        let s = try SessionFile(path: path, onHold: { rows.append(SessionFile.csvRow(rows.count, $0)) })
        #expect(s.gapCount == 1 && s.longestGap?.atS == 215.25 && s.longestGap?.missingS == 1.277)
        #expect(s.complete && !s.tornLastLine)
        let a = try #require(s.points.rows.first)
        #expect(a.point == "A" && a.holds == 2 && a.holdS == 40 && a.targetS == 20)
        #expect(abs(a.meanLevel - (6 * 30 + 8 * 10) / 40.0) < 1e-9)
        #expect(a.peakLevel == 9)
        #expect(rows.count == 4 && rows.allSatisfy { $0.hasSuffix("\r\n") })
        #expect(rows[1].hasPrefix("1,\"A\",100.000,130.000,30.000,"))
        withExtendedLifetime(_dir) {}
    }

    @Test func corruptionBeforeTheLastLineIsAnError() throws {
        let (path, _dir) = try file([Self.header, "garbage", Self.hold(1, "A", hold: 30, level: 6)])
        #expect(throws: SessionReadError.self) { try SessionFile(path: path) }
        let (notSession, _dir2) = try file([Self.hold(1, "A", hold: 30, level: 6)])
        do { _ = try SessionFile(path: notSession); Issue.record("accepted") } catch {
            #expect(error.reason.contains("not a session header"))
        }
        withExtendedLifetime((_dir, _dir2)) {}
    }

    /// 32 of 3,000 mutated session files trapped here (a hold value of 1e10 or ±1e308).
    @Test(arguments: ["1e10", "1e308", "-1e308", "-5"])
    func impossibleHoldValuesAreErrorsNamingTheLine(value: String) throws {
        let bad = Self.hold(2, "B", hold: 20, level: 5).replacing("\"hold_s\":20.0", with: "\"hold_s\":\(value)")
        let (path, _dir) = try file([Self.header, Self.hold(1, "A", hold: 30, level: 6), bad])
        do {
            _ = try SessionFile(path: path)
            Issue.record("accepted hold_s \(value)")
        } catch {
            #expect(error.reason.hasPrefix("line 3: hold: hold_s"), "\(error)")
        }
        withExtendedLifetime(_dir) {}
    }

    /// A line without end (`/dev/zero` copied into a file, garbage) is an error, not a gigabyte in memory.
    @Test func aLineLongerThanTheLimitIsAnErrorNamingTheLine() throws {
        let long = String(repeating: "x", count: SessionFile.maxLineBytes + 1)
        let (path, _dir) = try file([Self.header, Self.hold(1, "A", hold: 30, level: 6), long, Self.hold(2, "A", hold: 30, level: 6)])
        do {
            _ = try SessionFile(path: path)
            Issue.record("accepted a \(long.utf8.count)-byte line")
        } catch {
            #expect(error.reason == "line 3: longer than \(SessionFile.maxLineBytes) bytes: not a session record", "\(error)")
        }
        withExtendedLifetime(_dir) {}
    }

    @Test func thePerPointTableIsBounded() throws {
        let holds = (1...SessionFile.maxPoints + 1).map { Self.hold($0, "p\($0)", hold: 3, level: 5) }
        let (path, _dir) = try file([Self.header] + holds)
        do {
            _ = try SessionFile(path: path)
            Issue.record("accepted \(holds.count) points")
        } catch {
            #expect(error.reason == "line \(SessionFile.maxPoints + 2): more than \(SessionFile.maxPoints) points", "\(error)")
        }
        withExtendedLifetime(_dir) {}
    }

    @Test func nonRegularFilesAreRefusedWithoutBlocking() throws {
        let dir = try ScratchDirectory()
        #expect(mkfifo(dir.file("fifo.jsonl"), 0o600) == 0)
        for path in [dir.file("fifo.jsonl"), "/dev/zero", dir.path] {
            do { _ = try SessionFile(path: path); Issue.record("read \(path)") } catch {
                #expect(error.reason.contains("not a regular file"), "\(error)")
            }
        }
    }

    /// Spreadsheets run cells that start with = + - @; the label is the only text cell.
    @Test func csvDefusesFormulasAndKeepsNumbersNumeric() {
        var h = SessionFile.Hold(n: 1, point: "=HYPERLINK(\"http://x\")", startS: -1.5, endS: 2, holdS: 3.5, meanN: -0.25, peakN: 1,
                                 meanLevel: 1, peakLevel: 1, targetS: 0, overS: 0)
        #expect(SessionFile.csvRow(1, h) == "1,\"'=HYPERLINK(\"\"http://x\"\")\",-1.500,2.000,3.500,-0.250,1.000,1.000,1.000,0.000,0.000,false\r\n")
        for (label, cell) in [("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\u{1B}[2J", "\\x1b[2J"),
                              ("upper trapezius L", "upper trapezius L")] {
            h.point = label
            #expect(SessionFile.csvRow(1, h).hasPrefix("1,\"\(cell)\","), "\(label.debugDescription)")
        }
    }
}
