import Foundation
import HoldfastTestSupport
import Testing

/// The real daemon process on an emulated sensor, over its socket.
@Suite("Daemon end to end", .serialized)
struct DaemonEndToEndTests {
    @Test func aSessionDrivenOverTheSocket() throws {
        // A 20 s plateau at 36 N, then pushed to 53 N (level 9.6) and back to 37 N, at 5× speed:
        // the plateau lasts 4 s of real time, enough to rate it even on a loaded machine.
        let scenario = """
            rate_hz 320
            noise_n 0.1
            point temporalis R
            hold 0.5
            ramp 36 1
            hold 20
            ramp 53 1
            hold 2
            ramp 37 1
            hold 3
            ramp 0 1
            hold 2
            """
        let daemon = try DaemonHarness(scenario: scenario + "\n", speed: 5, extra: ["--client", "e2e-1"])
        let client = try daemon.connect()
        let hello = try #require(client.next())
        #expect(hello["type"] as? String == "hello")
        let live = try #require(client.wait { $0["type"] as? String == "live" })
        #expect(live["force_n"] is Double)
        #expect((live["sensor"] as? [String: Any])?["status"] as? String != nil)

        // On the first plateau (36 N), the client rates the pressure a 6: the scale changes.
        // Status replies are answered in order with commands, so they say where the daemon is
        // now, however far behind this client is in reading the broadcast frames.
        var onPlateau = false
        for n in 0..<200 where !onPlateau {
            client.send(#"{"cmd":"status","id":"s\#(n)"}"#)
            let now = try #require(client.wait { $0["id"] as? String == "s\(n)" })
            onPlateau = now["stage"] as? String == "hold" && (33...37).contains(now["force_n"] as? Double ?? 0)
            if !onPlateau { usleep(50_000) }
        }
        #expect(onPlateau)
        client.send(#"{"cmd":"rate","level":6}"#)
        let rated = try #require(client.wait { $0["type"] as? String == "reply" })
        #expect(rated["ok"] as? Bool == true, "\(rated)")
        #expect((rated["scale"] as? String)?.contains("=6,38=7") == true)
        client.send(#"{"cmd":"rate","level":2}"#)
        let contradiction = try #require(client.wait { $0["type"] as? String == "reply" })
        #expect(contradiction["ok"] as? Bool == false)
        #expect((contradiction["error"] as? String)?.contains("contradicts the scale") == true)

        client.send(#"{"cmd":"point","label":"temporalis R","id":"p1"}"#)
        let pointReply = try #require(client.wait { $0["type"] as? String == "reply" })
        #expect(pointReply["ok"] as? Bool == true)
        #expect(pointReply["id"] as? String == "p1")
        client.send(#"{"cmd":"launch"}"#)
        let bad = try #require(client.wait { $0["type"] as? String == "reply" })
        #expect(bad["ok"] as? Bool == false)
        #expect((bad["error"] as? String)?.contains("unknown cmd") == true)
        client.send(#"{"cmd":"mark","note":"client reports relief"}"#)
        #expect(client.wait { $0["type"] as? String == "reply" }?["ok"] as? Bool == true)

        let alarm = try #require(client.event(within: 15) { $0["type"] as? String == "alarm" })
        #expect((alarm["level"] as? Double ?? 0) >= 9)

        let hold = try #require(client.event(within: 15) { $0["type"] as? String == "hold" })
        #expect(hold["point"] as? String == "temporalis R")
        // From 5 N on the way up (0.64 s) to 3 N on the way down (29.42 s).
        #expect(abs((hold["hold_s"] as? Double ?? 0) - 28.78) < 0.5, "\(hold)")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 2) == 0)
        let files = try daemon.sessionFiles()
        #expect(files.count == 1)
        #expect(files.first?.hasSuffix("-e2e-1.jsonl") == true)
        let session = try readSession(try #require(files.first))
        #expect(!session.torn)
        let types = session.records.compactMap { $0["type"] as? String }
        #expect(types.first == "session")
        #expect(types.last == "summary")
        for expected in ["point", "mark", "alarm", "rating", "hold"] { #expect(types.contains(expected), "\(expected)") }
        let attributes = try FileManager.default.attributesOfItem(atPath: try #require(files.first))
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        let dirAttributes = try FileManager.default.attributesOfItem(atPath: daemon.stateDirectory)
        #expect((dirAttributes[.posixPermissions] as? Int) == 0o750)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }

    /// In real time (speed 1): the alarm reaches clients within 10 ms of the
    /// sample that crossed level 9, by the daemon's clock. Three episodes: the
    /// best must be under 10 ms and none may be late by more than 100 ms, so
    /// one scheduling hiccup on a busy machine does not decide the result.
    @Test func theAlarmArrivesWithinTenMilliseconds() throws {
        let push = "ramp 56 0.5\nhold 0.5\nramp 30 0.5\nhold 0.5\n"
        let daemon = try DaemonHarness(scenario: "rate_hz 320\nnoise_n 0.1\nhold 0.5\nramp 30 0.5\n"
                                       + String(repeating: push, count: 3) + "ramp 0 0.5\nhold 1\n", speed: 1)
        let client = try daemon.connect()
        var latencies: [Double] = []
        for _ in 0..<3 {
            let alarm = try #require(client.wait(within: 10) { $0["type"] as? String == "alarm" })
            latencies.append(Double((alarm["sent_ns"] as? Int ?? 0) - (alarm["crossing_ns"] as? Int ?? 0)) / 1e6)
            let end = try #require(client.wait(within: 10) { $0["type"] as? String == "alarm_end" })
            #expect((end["level"] as? Double ?? 10) <= 8.5)  // just below 8.5, printed to two decimals
        }
        #expect((latencies.min() ?? 99) < 10, "alarm latencies \(latencies) ms")
        #expect(latencies.allSatisfy { $0 >= 0 && $0 < 100 }, "alarm latencies \(latencies) ms")
        print("alarm latencies: \(latencies) ms")
    }

    @Test func killNineMidHoldKeepsEveryCompletedHold() throws {
        // nimmo-series: four holds of 7–10 s; kill the daemon while the third is on.
        let daemon = try DaemonHarness(scenario: "nimmo-series", speed: 5)
        let client = try daemon.connect()
        var holds = 0
        while holds < 2 {
            guard client.wait(within: 20, for: { $0["type"] as? String == "hold" }) != nil else { break }
            holds += 1
        }
        #expect(holds == 2)
        _ = client.wait(within: 10) { ($0["stage"] as? String) == "hold" }
        daemon.signal(SIGKILL)
        _ = daemon.waitForExit(seconds: 5)
        let file = try #require(try daemon.sessionFiles().first)
        let session = try readSession(file)
        let recorded = session.records.filter { $0["type"] as? String == "hold" }
        #expect(recorded.count == 2)
        #expect(session.records.last?["type"] as? String != "summary")
    }

    @Test func sigintFinishesTheHoldInProgress() throws {
        let daemon = try DaemonHarness(scenario: "single-hold-1khz", speed: 10)
        let client = try daemon.connect()
        let holding = client.wait(within: 10) { ($0["stage"] as? String) == "hold" && ($0["hold_s"] as? Double ?? 0) > 3 }
        #expect(holding != nil, "never saw the hold stage; daemon log: \(daemon.log())")
        daemon.signal(SIGINT)
        #expect(daemon.waitForExit(seconds: 2) == 0)
        let file = try #require(try daemon.sessionFiles().first)
        let session = try readSession(file)
        let hold = try #require(session.records.first { $0["type"] as? String == "hold" },
                                "\((try? String(contentsOfFile: file, encoding: .utf8)) ?? "")\n\(daemon.log())")
        #expect(hold["open"] as? Bool == true)
        #expect(session.records.last?["type"] as? String == "summary")
    }

    @Test func aChipThatVanishesIsRecoveredAndTheGapRecorded() throws {
        // Two holds with a rest between; the chip is gone for 1.5 s of the rest, at 5× speed.
        let scenario = """
            rate_hz 1000
            noise_n 0.1
            hold 1
            ramp 30 0.5
            hold 6
            ramp 0 0.5
            hold 6
            ramp 30 0.5
            hold 6
            ramp 0 0.5
            hold 2
            """
        let daemon = try DaemonHarness(scenario: scenario + "\n", speed: 5, extra: ["--emulate-faults", "vanish@9+1.5"])
        let client = try daemon.connect()
        var holds = 0
        while holds < 2, client.wait(within: 20, for: { $0["type"] as? String == "hold" }) != nil { holds += 1 }
        #expect(holds == 2, "daemon log: \(daemon.log())")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 5) == 0)
        let file = try #require(try daemon.sessionFiles().first)
        let records = try readSession(file).records
        // The fault's gap: gone for 1.5 s, back within one retry (at most 250 ms) and a restart.
        // (A loaded machine may add gaps of a few milliseconds; those are not the fault's.)
        let gaps = records.filter { $0["type"] as? String == "gap" }.compactMap { $0["missing_s"] as? Double }
        let long = gaps.filter { $0 > 0.2 }
        #expect(long.count == 1 && long.allSatisfy { $0 >= 1.5 && $0 < 1.9 }, "gaps \(gaps)")
        #expect(records.filter { $0["type"] as? String == "hold" }.count == 2)
        let acquisition = try #require(records.last?["acquisition"] as? [String: Any])
        #expect(acquisition["recoveries"] as? Int == 1, "\(acquisition)")
        #expect(acquisition["gaps"] as? Int == gaps.count && (acquisition["longest_gap_s"] as? Double ?? 0) >= 1.5)
    }

    /// `holdfast send`, as a script or a foot pedal would use it.
    @Test func theSendCommandLabelsPointsAndReportsRefusals() throws {
        let daemon = try DaemonHarness(scenario: "single-hold-1khz", speed: 1)
        _ = try daemon.connect()
        func send(_ words: [String], socket: String? = nil) throws -> (status: Int32, out: String, err: String) {
            let process = Process(), out = Pipe(), err = Pipe()
            process.executableURL = URL(fileURLWithPath: DaemonHarness.binary)
            process.arguments = ["send", "--socket", socket ?? daemon.socketPath] + words
            process.standardOutput = out
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                    String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let point = try send(["point", "upper", "trapezius", "L"])
        #expect(point.status == 0 && point.out.contains(#""point":"upper trapezius L""#), "\(point)")
        let mark = try send(["mark", "client", "reports", "relief"])
        #expect(mark.status == 0 && mark.out.contains(#""ok":true"#), "\(mark)")
        let status = try send(["status"])
        #expect(status.status == 0 && status.out.contains(#""type":"live""#) && status.out.contains("upper trapezius L"), "\(status)")
        let refused = try send(["rate", "11"])
        #expect(refused.status == 1 && refused.err.contains("refused: rate needs \"level\" between 0 and 10"), "\(refused)")
        let badLabel = try send(["point", "a,b"])
        #expect(badLabel.status == 1 && badLabel.err.contains("point label"), "\(badLabel)")
        let nobody = try send(["status"], socket: daemon.directory + "/nobody.sock")
        #expect(nobody.status == 2 && nobody.err.contains("nobody.sock: cannot connect"), "\(nobody)")
        let unknown = try send(["louder"])
        #expect(unknown.status != 0 && unknown.err.contains("unknown command \"louder\""), "\(unknown)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 5) == 0)
        let records = try readSession(try #require(try daemon.sessionFiles().first)).records
        #expect(records.contains { $0["type"] as? String == "point" && $0["point"] as? String == "upper trapezius L" })
        #expect(records.contains { $0["type"] as? String == "mark" && $0["note"] as? String == "client reports relief" })
    }

    @Test func configurationErrorsNameTheKey() throws {
        let dir = NSTemporaryDirectory() + "holdfast-conf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let conf = dir + "/holdfast.conf"
        try "sensor = nau7802\n# comment\nalarm_level = eleven\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DaemonHarness.binary)
        process.arguments = ["daemon", "--config", conf]
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(text.contains("holdfast.conf:3: alarm_level: \"eleven\" is not a number"), "\(text)")
    }
}
