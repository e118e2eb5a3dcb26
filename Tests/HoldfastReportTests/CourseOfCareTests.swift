import Foundation
import HoldfastEmulation
import HoldfastReplay
import HoldfastReport
import HoldfastSession
import HoldfastTestSupport
import Testing

/// The course of care from real session files: the synthetic client's five
/// sessions (Simulator/clients/jd42), simulated and replayed through the
/// pipeline, checked against the scenarios' truth; and small hand-written
/// sessions for the flags the synthetic client does not raise.
@Suite("Course of care")
struct CourseOfCareTests {
    static let root = repositoryRoot

    /// The five sessions replayed into `scratch`, with their truth.
    static func jd42(in scratch: ScratchDirectory) throws -> (paths: [String], truths: [GroundTruth]) {
        var paths: [String] = []
        var truths: [GroundTruth] = []
        // Replayed in reverse, and one another client's: the report sorts by date and keeps its client's.
        for k in [5, 4, 3, 2, 1] {
            let scenario = try ScenarioFile.load(root + "/Simulator/clients/jd42/session-\(k).scenario")
            let trace = scratch.file("s\(k).csv"), session = scratch.file("jd42-\(k).jsonl")
            try ScenarioFile.writeTrace(scenario, to: trace)
            _ = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: session))
            paths.append(session)
            truths.insert(GroundTruth(scenario: scenario), at: 0)
        }
        return (paths, truths)
    }

    @Test func theSyntheticClientAgainstTruth() throws {
        let scratch = try ScratchDirectory()
        let (paths, truths) = try Self.jd42(in: scratch)
        let other = try scratch.write("other.jsonl", #"{"type":"session","format":1,"source":{"kind":"sensor","client":"ab12"}}"# + "\n")
        let care = CourseOfCare(client: "jd42", paths: paths + [other])
        try #require(care.sessions.count == 5)
        #expect(care.sessions.map(\.date) == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"])
        #expect(care.points == ["upper trapezius L", "levator scapulae R", "suboccipitals"])
        for (session, truth) in zip(care.sessions, truths) {
            for point in care.points {
                let p = try #require(session[point])
                // The mean of the valid trials of each phase, against the truth's thresholds (3 % or 0.5 N).
                for phase in ["pre", "post"] {
                    let want = truth.trials.filter { $0.point == point && $0.phase == phase }.map(\.thresholdN)
                    let got = phase == "pre" ? p.preMean : p.postMean
                    if want.isEmpty { #expect(got == nil); continue }
                    let mean = want.reduce(0, +) / Double(want.count)
                    let value = try #require(got)
                    #expect(abs(value - mean) <= max(0.03 * mean, 0.5), "session \(session.number) \(point ?? "-") \(phase): \(value) vs \(mean)")
                }
                let hold = try #require(truth.holds.first { $0.point == point })
                #expect(abs(p.holdS - hold.holdS) <= 0.2)
                #expect(abs(p.overS - hold.overS) <= 0.35)
            }
        }
        // PPT rises at two points and not at the third; pain moves: no "no change" flag. The setback
        // after session 2's over-pressure and the missing retest in session 4 are flagged.
        let flags = care.flags
        #expect(flags.map(\.kind) == [.setback, .notRetested], "\(flags)")
        #expect(flags.first?.session == 3 && flags.first?.point == "upper trapezius L")
        #expect(flags.last?.session == 4 && flags.last?.point == "suboccipitals")
        #expect(care.sessions.map(\.pain) == [7, 6, 8, 5, 4])

        let text = TerminalReport.render(care)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(text.contains("setback at session 3: pain 6 → 8"))
        let csv = CSVReport.render(care)
        #expect(csv.split(separator: "\r\n").count == 1 + 15 + 15)  // header, 3 points and 3 outcomes a session
        let html = HTMLReport.render(care)
        #expect(html.components(separatedBy: "class=\"plot ppt\"").count - 1 == 3)
        #expect(!html.contains("<script") && !html.contains("http"))
    }

    static let header = #"{"type":"session","format":1,"source":{"kind":"sensor","client":"zz9","started":"2026-05-0DT10:00:00Z"}}"#
    static func ppt(_ phase: String, _ force: Double, point: String = "A") -> String {
        #"{"type":"ppt","point":"\#(point)","phase":"\#(phase)","trial":1,"time_s":10,"force_n":\#(force),"kpa":null,"rate_n_s":5,"valid":true}"#
    }
    static func pain(_ level: Int) -> String { #"{"type":"outcome","t_s":1,"kind":"pain","value":\#(level),"when":"now"}"# }
    static func hold(over: Double) -> String {
        #"{"type":"hold","n":1,"point":"A","start_s":20,"end_s":80,"hold_s":60,"mean_n":30,"peak_n":40,"mean_level":6,"peak_level":9,"target_s":50,"over_s":\#(over),"regrips":0}"#
    }

    func sessions(_ bodies: [[String]], in scratch: ScratchDirectory) throws -> [String] {
        try bodies.enumerated().map { i, lines in
            try scratch.write("s\(i).jsonl", ([Self.header.replacing("0D", with: "0\(i + 1)")] + lines).joined(separator: "\n") + "\n")
        }
    }

    /// Nothing moved by session 3: PPT within 20 % of the first, pain within 1. Then the same with PPT up 25 %.
    @Test func noChangeBySessionThree() throws {
        let scratch = try ScratchDirectory()
        let flat = try sessions([[Self.pain(6), Self.ppt("pre", 20), Self.hold(over: 0), Self.ppt("post", 21)],
                                 [Self.pain(6), Self.ppt("pre", 20.5)],
                                 [Self.pain(5), Self.ppt("pre", 21), Self.hold(over: 0), Self.ppt("post", 22)]], in: scratch)
        let care = CourseOfCare(client: "zz9", paths: flat)
        #expect(care.flags.map(\.kind) == [.noChange, .notRetested], "\(care.flags)")
        let moved = try sessions([[Self.pain(6), Self.ppt("pre", 20), Self.ppt("post", 21)], [Self.pain(6), Self.ppt("pre", 22)],
                                  [Self.pain(5), Self.ppt("pre", 24), Self.ppt("post", 25)]], in: scratch)
        #expect(CourseOfCare(client: "zz9", paths: moved).flags.map(\.kind) == [.notRetested])  // session 2, and no "no change"
        // Two sessions only: no decision point yet.
        #expect(CourseOfCare(client: "zz9", paths: Array(flat.prefix(2))).flags.map(\.kind) == [.notRetested])
    }

    /// A session cut short (no summary, a torn last line) counts with what it holds; a file that is not a
    /// session is named and passed over; a label that is HTML is shown, never obeyed.
    @Test func whatIsThereCountsAndBadFilesAreNamed() throws {
        let scratch = try ScratchDirectory()
        let cut = try scratch.write("cut.jsonl.partial", [Self.header, Self.pain(4), Self.hold(over: 5.5).replacing("\"A\"", with: "\"<b>A</b>\""),
                                                          #"{"type":"hold","n":2,"po"#].joined(separator: "\n"))
        let bad = try scratch.write("bad.jsonl", "not json\n")
        let care = CourseOfCare(client: "zz9", paths: [cut, bad])
        #expect(care.sessions.count == 1)
        #expect(care.sessions.first?.complete == false)
        #expect(care.sessions.first?.points.first?.overS == 5.5)
        #expect(care.unreadable.count == 1 && care.unreadable[0].contains("bad.jsonl"))
        let html = HTMLReport.render(care)
        #expect(html.contains("&lt;b&gt;A&lt;/b&gt;") && !html.contains("<b>A</b>"))
        #expect(TerminalReport.render(care).contains("ended without a summary"))
    }

    /// Another source than files (as a clinic's database would be): sessions filled record by record in
    /// memory, given out of order, are numbered by date and judged like files; what it could not read is shown.
    @Test func anotherSourceFillsTheSameSessions() {
        struct Memory: CareSource {
            func sessions(of client: String) -> (found: [CourseOfCare.Session], unreadable: [String]) {
                func session(_ date: String, pain: Int, over: Double) -> CourseOfCare.Session {
                    var s = CourseOfCare.Session(date: date, started: nil, origin: "row \(date)", complete: true)
                    s.add(outcome: .pain(level: pain, when: .now), atS: 1)
                    s.add(HoldLine(n: 1, point: "A", startS: 5, endS: 65, holdS: 60, meanN: 30, peakN: 33, meanLevel: 6,
                                   peakLevel: 6.5, targetS: 50, overS: over, sagPct: 8))
                    s.add(PPTLine(point: "A", phase: .pre, trial: 1, timeS: 3, forceN: 20, kpa: nil, rateNS: 5, valid: true, why: nil))
                    return s
                }
                return ([session("2026-11-20", pain: 7, over: 0), session("2026-11-06", pain: 4, over: 12)], ["row 3: no date"])
            }
        }
        let care = CourseOfCare(client: "zz9", source: Memory())
        #expect(care.sessions.map(\.date) == ["2026-11-06", "2026-11-20"])
        #expect(care.sessions.map(\.number) == [1, 2])
        #expect(care.sessions[0]["A"]?.sagPct == 8)
        #expect(care.flags.map(\.kind) == [.setback, .notRetested, .notRetested], "\(care.flags)")
        #expect(TerminalReport.render(care).contains("row 3: no date"))
    }
}
