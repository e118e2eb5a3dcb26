import Foundation
import HoldfastEmulation
import HoldfastTestSupport
import Testing

/// The live PPT paths on the real daemon process: the client's signal from a
/// button (the emulated line, bounces and all, pressed by the trace's ppt
/// rows), from `send ppt` (a command on the socket, as the watch's key sends
/// too), and outcomes; the records checked against the scenario's truth.
@Suite("PPT end to end", .serialized)
struct PPTEndToEndTests {
    /// Test, treat, retest at 5× real time: every trial from the emulated button lands as a ppt record
    /// with the truth's threshold (3 % or 0.5 N), ramp (10 %) and phase.
    @Test func theButtonMarksTrialsThatMatchTruth() throws {
        let scenario = """
            rate_hz 320
            noise_n 0.1
            tremor 0.4 9.5
            point upper trapezius L
            hold 1
            ppt 5 18 0.4
            hold 3
            ppt 5.2 18.5 0.3
            hold 3
            ramp 34 2
            hold 12
            ramp 0 1.5
            hold 3
            ppt 5 22 0.4
            hold 3
            ppt 9 22 0.3
            hold 3
            """
        let truth = GroundTruth(scenario: try Scenario(parsing: scenario, name: "ppt-e2e", source: "inline"))
        let daemon = try DaemonHarness(scenario: scenario + "\n", speed: 5, extra: ["--client", "ppt-1"])
        let client = try daemon.connect()
        var trials: [[String: Any]] = []
        while trials.count < truth.trials.count, let t = client.wait(within: 20, for: { $0["type"] as? String == "ppt" }) {
            trials.append(t)
        }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 3) == 0)
        try #require(trials.count == truth.trials.count, "\(trials.count) trials on the socket: \(daemon.log())")
        let file = try readSession(try #require(try daemon.sessionFiles().first))
        let recorded = file.records.filter { $0["type"] as? String == "ppt" }
        #expect(recorded.count == truth.trials.count)
        #expect(file.records.filter { $0["type"] as? String == "hold" }.count == truth.holds.count)
        for (got, want) in zip(recorded, truth.trials) {
            let force = try #require(got["force_n"] as? Double)
            let rate = try #require(got["rate_n_s"] as? Double)
            #expect(abs(force - want.thresholdN) <= max(0.03 * want.thresholdN, 0.5), "threshold \(force) vs \(want.thresholdN)")
            #expect(abs(rate - want.rateNPerS) <= 0.1 * want.rateNPerS, "ramp \(rate) vs \(want.rateNPerS)")
            #expect(got["phase"] as? String == want.phase)
        }
        // The last trial was ramped at 9 N/s: recorded, not counted.
        #expect(recorded.last?["valid"] as? Bool == false)
        let summary = try #require(file.records.last)
        let point = try #require((summary["points"] as? [[String: Any]])?.first)
        #expect(point["ppt_pre"] is Double && point["ppt_post"] is Double, "\(point)")
    }

    /// `send ppt` during a press makes it a trial; with nothing pressed, or a second time, it is refused
    /// with the reason; outcomes are recorded, and one out of range is refused.
    @Test func sendPPTAndOutcomes() throws {
        let scenario = """
            rate_hz 320
            noise_n 0.1
            point levator scapulae R
            hold 3
            ramp 40 8
            ramp 0 1
            hold 30
            """
        let daemon = try DaemonHarness(scenario: scenario + "\n", speed: 2, extra: ["--client", "ppt-2"])
        let client = try daemon.connect()
        _ = client.wait { $0["type"] as? String == "live" }
        client.send(#"{"cmd":"ppt","id":"early"}"#)
        let early = try #require(client.wait { $0["id"] as? String == "early" })
        #expect(early["ok"] as? Bool == false)
        #expect((early["error"] as? String)?.contains("no contact") == true, "\(early)")

        client.send(#"{"cmd":"outcome","kind":"pain","value":11,"id":"o1"}"#)
        let bad = try #require(client.wait { $0["id"] as? String == "o1" })
        #expect(bad["ok"] as? Bool == false)
        #expect((bad["error"] as? String)?.contains("out of range") == true, "\(bad)")
        client.send(#"{"cmd":"outcome","kind":"pain","value":6,"when":"morning","id":"o2"}"#)
        #expect(client.wait { $0["id"] as? String == "o2" }?["ok"] as? Bool == true)
        client.send(#"{"cmd":"outcome","kind":"movement","name":"neck rotation L","value":60,"unit":"deg","id":"o3"}"#)
        #expect(client.wait { $0["id"] as? String == "o3" }?["ok"] as? Bool == true)

        // Wait for the ramp to pass 20 N, then signal twice.
        var pressing = false
        var last: [String: Any] = [:]
        for n in 0..<400 where !pressing {
            client.send(#"{"cmd":"status","id":"s\#(n)"}"#)
            last = try #require(client.wait { $0["id"] as? String == "s\(n)" }, "no status reply: \(daemon.log())")
            pressing = (last["force_n"] as? Double ?? 0) > 20 && last["ramp_n_s"] as? Double != nil
            if !pressing { usleep(60_000) }  // the daemon takes at most 20 commands a second
        }
        try #require(pressing, "last status: \(last)")
        client.send(#"{"cmd":"ppt","id":"now"}"#)
        #expect(client.wait { $0["id"] as? String == "now" }?["ok"] as? Bool == true)
        var refused = false
        for n in 0..<50 where !refused {
            client.send(#"{"cmd":"ppt","id":"again\#(n)"}"#)
            let again = try #require(client.wait { $0["id"] as? String == "again\(n)" })
            refused = (again["error"] as? String)?.contains("already has the client's signal") == true
            if !refused { usleep(60_000) }
        }
        #expect(refused)
        let trial = try #require(client.event(within: 20) { $0["type"] as? String == "ppt" })
        // 40 N over 8 s is 5 N/s; the signal came somewhere above 20 N.
        #expect(abs((trial["rate_n_s"] as? Double ?? 0) - 5) < 0.5, "\(trial)")
        #expect((trial["force_n"] as? Double ?? 0) > 20)
        #expect(trial["phase"] as? String == "pre")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 3) == 0)
        let file = try readSession(try #require(try daemon.sessionFiles().first))
        let outcomes = file.records.filter { $0["type"] as? String == "outcome" }
        #expect(outcomes.count == 2)
        #expect(outcomes.first?["when"] as? String == "morning")
        #expect(file.records.filter { $0["type"] as? String == "hold" }.isEmpty)
    }
}
