import Foundation
import HoldfastCore
import HoldfastSession
import HoldfastTestSupport
import Testing

/// PPT trials as records: phase, numbering and verdicts; the summary's means; outcomes and their rules;
/// and all of it read back from a file.
@Suite("PPT and outcome records")
struct PPTRecordTests {
    /// A trial on the session's time base: a ramp from 5 N at `startS` to `force` N at `signalS`.
    func makeTrial(_ point: String?, startS: Double, signalS: Double, force: Double, gaps: Int = 0) -> SessionTrial {
        SessionTrial(point: point, record: TrialRecord(
            startNs: Int64(startS * 1e9), signalNs: Int64(signalS * 1e9), endNs: Int64((signalS + 0.5) * 1e9),
            thresholdForce: Q16.fromNewtons(force)!, onsetForce: Q16.fromNewtons(5)!, gaps: gaps))
    }

    @Test func phasesNumbersAndVerdicts() {
        var ledger = PPTLedger(policy: PPTPolicy(probeAreaCm2: 1))
        let a = ledger.trial(makeTrial("A", startS: 1, signalS: 5, force: 25))           // 5 N/s
        let b = ledger.trial(makeTrial("A", startS: 10, signalS: 12, force: 25))         // 10 N/s: too fast
        let c = ledger.trial(makeTrial("B", startS: 20, signalS: 20.2, force: 5.5))      // no ramp
        ledger.hold(at: "A")
        let d = ledger.trial(makeTrial("A", startS: 90, signalS: 95, force: 31))         // 5.2 N/s, post
        let e = ledger.trial(makeTrial("A", startS: 100, signalS: 105, force: 30, gaps: 1))
        #expect([a.phase, b.phase, c.phase, d.phase] == [PPTLine.Phase.pre, .pre, .pre, .post])
        let numbers = [a, b, c, d, e].map(\.trial)
        #expect(numbers == [1, 2, 1, 1, 2])
        #expect(a.valid && !b.valid && !c.valid && d.valid && !e.valid)
        #expect(b.why == "ramp 10.0 N/s, outside 3.0-7.0 N/s")
        #expect(c.why?.hasPrefix("no ramp") == true)
        #expect(e.why?.contains("missing") == true)
        #expect(a.kpa == 250 && a.rateNS == 5)
        let pointA = ledger["A"]
        #expect(pointA?.preMean == 25 && pointA?.postMean == 31)
        #expect(pointA?.beyond(mdc: 0.2) == true)
        #expect(pointA?.beyond(mdc: 0.25) == false)
    }

    @Test func ratesInKPaNeedTheProbe() throws {
        #expect(try PPTPolicy.rate(parsing: "50kPa/s", probeAreaCm2: 1) == 5)
        #expect(try PPTPolicy.rate(parsing: "5 N/s", probeAreaCm2: nil) == 5)
        #expect(throws: PPTPolicyError.self) { try PPTPolicy.rate(parsing: "50kPa/s", probeAreaCm2: nil) }
        #expect(throws: PPTPolicyError.self) { try PPTPolicy.rate(parsing: "5", probeAreaCm2: nil) }
    }

    static let outcomeCases: [([String], Outcome?)] = [
        (["pain", "6"], .pain(level: 6, when: .now)),
        (["pain", "0", "evening"], .pain(level: 0, when: .evening)),
        (["movement", "neck", "rotation", "L", "60", "deg"], .movement(name: "neck rotation L", result: .measured(60, .deg))),
        (["movement", "single", "leg", "squat", "fail"], .movement(name: "single leg squat", result: .passed(false))),
        (["sleep", "2"], .sleep(wakeups: 2)),
        (["note", "felt", "lighter"], .note("felt lighter")),
        (["pain", "11"], nil), (["pain", "6.5"], nil), (["pain", "6", "noon"], nil), (["movement", "neck", "400", "deg"], nil),
        (["movement", "neck", "60", "inches"], nil), (["sleep", "-1"], nil), (["mood", "good"], nil), (["note"], nil),
    ]

    @Test(arguments: outcomeCases)
    func outcomeWordsFollowTheRules(words: [String], expected: Outcome?) {
        let parsed = try? Outcome(words: words)
        #expect(parsed == expected)
        // What the words make, the fields give back.
        if let parsed { #expect((try? Outcome(fields: parsed.fields)) == parsed) }
    }

    @Test func everythingReadsBackFromTheFile() throws {
        var ledger = PPTLedger(policy: .standard)
        let line = ledger.trial(makeTrial("A", startS: 1, signalS: 5, force: 25))
        let scratch = try ScratchDirectory()
        var text = #"{"type":"session","format":1,"source":{"kind":"replay","client":"jd42","date":"2026-03-02"}}"# + "\n"
        text += String(decoding: SessionEncoding.ppt(line), as: UTF8.self)
        text += String(decoding: SessionEncoding.outcome(.pain(level: 6, when: .morning), atNs: 2_500_000_000), as: UTF8.self)
        text += String(decoding: SessionEncoding.outcome(.movement(name: "neck", result: .measured(60, .deg)), atNs: 3_000_000_000), as: UTF8.self)
        let path = try scratch.write("s.jsonl", text)
        var trials: [PPTLine] = []
        var outcomes: [(Double, Outcome)] = []
        let file = try SessionFile(path: path, onPPT: { trials.append($0) }, onOutcome: { outcomes.append(($0, $1)) })
        #expect(trials == [line])
        #expect(outcomes.map(\.0) == [2.5, 3])
        #expect(outcomes.map(\.1) == [.pain(level: 6, when: .morning), .movement(name: "neck", result: .measured(60, .deg))])
        #expect(file.date == "2026-03-02" && file.client == "jd42")
        // The file's line and the socket's message are one type: the decoded message is the record.
        let decoded = try JSONDecoder().decode(PPTLine.self, from: Data(SessionEncoding.ppt(line)))
        #expect(decoded == line)
    }

    @Test func aBadOutcomeRecordNamesItsLine() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("s.jsonl", #"{"type":"session","format":1}"# + "\n" + #"{"type":"outcome","t_s":1,"kind":"pain","value":12}"# + "\n")
        do {
            _ = try SessionFile(path: path)
            Issue.record("a pain of 12 was read")
        } catch {
            #expect(error.description.contains("line 2: outcome: pain 12.0 is out of range"), "\(error)")
        }
    }

    @Test func traceAnnotations() throws {
        let a = try TraceAnnotations(metadata: [("client", "jd42"), ("date", "2026-03-02"), ("outcome", "12.5 pain 6 now"),
                                                ("outcome", "3 sleep 2"), ("scale", "3=1,55=10")])
        #expect(a.client == "jd42" && a.date == "2026-03-02")
        #expect(a.outcomes.map(\.timeNs) == [3_000_000_000, 12_500_000_000])
        #expect(throws: SessionRecordError.self) { try TraceAnnotations(metadata: [("outcome", "soon pain 6")]) }
        #expect(throws: SessionRecordError.self) { try TraceAnnotations(metadata: [("outcome", "1 pain 12")]) }
        #expect(throws: SessionRecordError.self) { try TraceAnnotations(metadata: [("date", "2026-13-01")]) }
    }
}
