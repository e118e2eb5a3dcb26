import Foundation
import HoldfastSession
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
        let s = try SessionFile(path: path)
        #expect(s.holds.count == 2)
        #expect(s.tornLastLine)
        #expect(!s.complete)
        #expect(s.client == "jd42")
        withExtendedLifetime(_dir) {}
    }

    @Test func perPointTableAndCSV() throws {
        let (path, _dir) = try file([Self.header, Self.hold(1, "A", hold: 30, level: 6), Self.hold(2, "B", hold: 20, level: 5),
                                     #"{"type":"gap","t_s":215.250,"missing_s":1.277}"#,
                                     Self.hold(3, "A", hold: 10, level: 8), #"{"type":"summary","holds":3}"#])
        let s = try SessionFile(path: path)
        #expect(s.gaps.count == 1 && s.gaps.first?.atS == 215.25 && s.gaps.first?.missingS == 1.277)
        #expect(s.complete && !s.tornLastLine)
        let a = try #require(s.points.rows.first)
        #expect(a.point == "A" && a.holds == 2 && a.holdS == 40 && a.targetS == 20)
        #expect(abs(a.meanLevel - (6 * 30 + 8 * 10) / 40.0) < 1e-9)
        #expect(a.peakLevel == 9)
        let rows = s.csv.split(separator: "\r\n")
        #expect(rows.count == 4)
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
}
