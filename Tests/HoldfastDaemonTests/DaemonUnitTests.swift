import Foundation
import HoldfastCore
@testable import HoldfastDaemon
import HoldfastPOSIX
import HoldfastSensors
import HoldfastSimulator
import Testing

@Suite("Durable session log")
struct DurableLogTests {
    /// Fails writes with a chosen errno while `failing` is set; can also write only part of a line.
    final class FlakyDisk: LogFileCalls, @unchecked Sendable {  // used by one thread at a time
        var failing: Int32?
        var shortWrites = false
        var lastError: Int32 = 0
        func create(_ path: String, mode: mode_t) -> Int32 { SystemLogFileCalls().create(path, mode: mode) }
        func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
            if let code = failing { lastError = code; return -1 }
            let n = shortWrites ? min(bytes.count, 5) : bytes.count
            return HoldfastPOSIX.write(fd, bytes.baseAddress, n)
        }
        func fsync(_ fd: Int32) -> Int32 { failing == nil ? 0 : { lastError = failing!; return -1 }() }
    }

    func path() -> String { NSTemporaryDirectory() + "holdfast-log-\(UUID().uuidString).jsonl" }

    @Test func aFullDiskLosesNothingAndRecovers() throws {
        let p = path()
        defer { unlink(p) }
        let disk = FlakyDisk()
        let log = try DurableLog(creating: p, calls: disk)
        #expect(log.append(Array("first\n".utf8)))
        disk.failing = ENOSPC
        #expect(!log.append(Array("second\n".utf8)))
        #expect(!log.append(Array("third\n".utf8)))
        #expect(log.fault?.errno == ENOSPC)
        #expect(log.fault?.description.contains("No space left on device") == true)
        #expect(log.backlog == 2)
        #expect(try String(contentsOfFile: p, encoding: .utf8) == "first\n")
        disk.failing = nil
        disk.shortWrites = true  // the kernel takes a few bytes at a time
        #expect(log.flush())
        #expect(log.fault == nil)
        #expect(try String(contentsOfFile: p, encoding: .utf8) == "first\nsecond\nthird\n")
        #expect(log.close().isEmpty)
    }

    @Test func neverOverwritesAnExistingFile() throws {
        let p = path()
        defer { unlink(p) }
        try "keep\n".write(toFile: p, atomically: true, encoding: .utf8)
        #expect(throws: SystemError.self) { try DurableLog(creating: p) }
        #expect(try String(contentsOfFile: p, encoding: .utf8) == "keep\n")
    }
}

@Suite("Control protocol")
struct ControlProtocolTests {
    @Test(arguments: [
        (#"{"cmd":"point","label":"upper trapezius L","id":3}"#, ControlCommand.point("upper trapezius L")),
        (#"{"cmd":"tare"}"#, .tare),
        (#"{"cmd":"rate","level":7}"#, .rate(level: 7)),
        (#"{"cmd":"session","action":"start","client":"jd-42"}"#, .startSession(client: "jd-42")),
        (#"{"cmd":"session","action":"end"}"#, .endSession),
        (#"{"cmd":"mark"}"#, .mark(note: nil)),
        (#"{"cmd":"status"}"#, .status),
    ])
    func validCommands(line: String, expected: ControlCommand) throws {
        #expect(try ControlCommand.parse(line).get().command == expected)
    }

    /// Outside the macro's arguments: Swift 6.0.3 crashes type-checking a string
    /// interpolation written inside @Test(arguments:).
    static let invalidCommands: [(String, String)] = [
        ("not json", "not a JSON object"),
        (#"{"label":"x"}"#, "missing \"cmd\""),
        (#"{"cmd":"point","label":"a\u0007b"}"#, "control character"),
        (#"{"cmd":"point","label":"a,b"}"#, "commas"),
        (#"{"cmd":"rate","level":11}"#, "between 0 and 10"),
        (#"{"cmd":"session","action":"start","client":"../../etc"}"#, "only letters, digits"),
        (#"{"cmd":"session","action":"pause"}"#, "\"start\" or \"end\""),
        (#"{"cmd":"mark","note":"a\nb"}"#, "control character"),
        // One rule for labels and notes: C1 controls (U+009B is a one-character CSI) too.
        (#"{"cmd":"mark","note":"a\u009b2Jb"}"#, "note contains a control character"),
        (#"{"cmd":"mark","note":"\u0085"}"#, "note contains a control character"),
        (#"{"cmd":"point","label":"a\u009bb"}"#, "point label contains a control character"),
        ("{\"cmd\":\"mark\",\"note\":\"\(String(repeating: "n", count: 201))\"}", "note is 201 bytes long (at most 200)"),
        (#"{"cmd":"reboot"}"#, "unknown cmd"),
    ]

    @Test(arguments: invalidCommands)
    func invalidCommandsSayWhy(line: String, expected: String) {
        switch ControlCommand.parse(line) {
        case .success(let p): Issue.record("accepted \(p.command)")
        case .failure(let e): #expect(e.message.contains(expected), "\(e.message)")
        }
    }

    func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        return (fds[0], fds[1])
    }

    @Test func longLinesAndFloodsAreRefused() {
        let (ours, theirs) = socketPair()
        defer { close(ours); close(theirs) }
        let client = ControlClient(fd: ours, nowNs: 0)
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 2000) + [UInt8(ascii: "\n")]
        _ = long.withUnsafeBytes { write(theirs, $0.baseAddress, $0.count) }
        let first = client.readAvailable(nowNs: 0)
        #expect(first.count == 1)
        if case .error(let m) = first.first { #expect(m.contains("longer than 1024")) } else { Issue.record("\(first)") }
        let flood = Array(String(repeating: "{\"cmd\":\"status\"}\n", count: 30).utf8)
        _ = flood.withUnsafeBytes { write(theirs, $0.baseAddress, $0.count) }
        let lines = client.readAvailable(nowNs: 1)
        let refused = lines.filter { if case .error = $0 { return true } else { return false } }
        // 20 admitted; the 10 beyond the rate are dropped with one reply for the burst.
        #expect(lines.count == 21)
        #expect(refused.count == 1)
    }

    @Test func aClientThatStopsReadingLosesFramesThenIsDropped() {
        let (ours, theirs) = socketPair()
        defer { close(ours); close(theirs) }
        let client = ControlClient(fd: ours, nowNs: 0)
        let frame = [UInt8](repeating: UInt8(ascii: "f"), count: 1000) + [UInt8(ascii: "\n")]
        var t: Int64 = 0
        var dropped = false
        // Nobody reads `theirs`: the kernel buffer fills, then ours.
        for _ in 0..<2000 {
            client.enqueue(frame, droppable: true, nowNs: t)
            if !client.flush(nowNs: t) { dropped = true; break }
            t += 10_000_000
        }
        #expect(client.bufferedBytes <= ControlClient.maxOutput)
        #expect(dropped)
        #expect(client.disconnectReason?.contains("not reading") == true)
    }

    @Test func eventsAreKeptWhileFramesAreDroppedAndNeverPastTheLimit() {
        let (ours, theirs) = socketPair()
        defer { close(ours); close(theirs) }
        let client = ControlClient(fd: ours, nowNs: 0)
        let frame = [UInt8](repeating: UInt8(ascii: "f"), count: 1000) + [UInt8(ascii: "\n")]
        while client.bufferedBytes + frame.count <= ControlClient.maxOutput {
            client.enqueue(frame, droppable: false, nowNs: 0)
        }
        let full = client.bufferedBytes
        client.enqueue(frame, droppable: true, nowNs: 0)  // a frame: dropped
        #expect(client.bufferedBytes == full)
        #expect(client.disconnectReason == nil)
        client.enqueue(Array("event\n".utf8), droppable: false, nowNs: 0)
        #expect(client.bufferedBytes == full + 6)
        client.enqueue(frame, droppable: false, nowNs: 0)  // an event that does not fit: disconnect, not growth
        #expect(client.bufferedBytes == full + 6)
        #expect(client.disconnectReason != nil)
        #expect(!client.flush(nowNs: 0))
    }
}

@Suite("Daemon configuration")
struct DaemonConfigTests {
    @Test func readsKeysAndComments() throws {
        var config = DaemonConfig()
        try config.apply(fileText: """
            # Holdfast on the treatment-room Pi
            sensor = ads1115
            bus = /dev/i2c-1
            address = 0x49
            drdy = pinctrl-bcm2711:17   # ALERT/RDY
            calibration = /etc/holdfast/calibration.json
            alarm_level = 8.5
            scale = 5=1,60=10
            realtime_priority = off
            """, source: "holdfast.conf")
        #expect(config.sensor == .ads1115)
        #expect(config.address == 0x49)
        #expect(config.drdy == "pinctrl-bcm2711:17")
        #expect(config.alarmLevel == 8.5)
        #expect(config.realtimePriority == nil)
        #expect(config.scale.points.count == 2)
        _ = try config.validated()
    }

    @Test(arguments: [
        ("wibble = 3", "holdfast.conf:1: wibble: unknown key"),
        ("sensor = hx711", "holdfast.conf:1: sensor: \"hx711\" is not nau7802"),
        ("\n\naddress = 0x99", "holdfast.conf:3: address: \"0x99\" is not a 7-bit address"),
        ("drdy = gpiochip0", "holdfast.conf:1: drdy: \"gpiochip0\" is not CHIP:OFFSET"),
        ("scale = 3=1,2=2", "holdfast.conf:1: scale: point 2"),
        ("state_dir = relative/path", "holdfast.conf:1: state_dir: \"relative/path\" is not a path"),
        ("just words", "holdfast.conf:1: just words: expected KEY = VALUE"),
    ])
    func errorsNameLineAndKey(text: String, expected: String) {
        var config = DaemonConfig()
        do {
            try config.apply(fileText: text, source: "holdfast.conf")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func combinationsAreChecked() {
        var real = DaemonConfig()
        real.bus = "/dev/i2c-1"
        #expect(throws: ConfigError(.defaults, key: "bus", reason: "a real sensor needs calibration (run holdfast calibrate)")) {
            try real.validated()
        }
        var emulated = DaemonConfig()
        emulated.bus = "emulated"
        #expect(throws: ConfigError(.defaults, key: "bus", reason: "bus = emulated needs emulate_trace")) { try emulated.validated() }
    }

    /// The shipped file starts with a comment; saved by a Windows editor, every line ends in CRLF.
    @Test(arguments: ["\r\n", "\r", "\n"])
    func lineEndingsOfAnyEditorAreRead(ending: String) throws {
        let lines = ["# Holdfast on the treatment-room Pi", "sensor = ads1115", "alarm_level = 7", "client = jd42",
                     "bus = emulated", "emulate_trace = /tmp/t.csv"]
        var config = DaemonConfig()
        try config.apply(fileText: "\u{FEFF}" + lines.joined(separator: ending) + ending, source: "holdfast.conf")
        #expect(config.sensor == .ads1115)
        #expect(config.alarmLevel == 7)
        #expect(config.client == "jd42")
        #expect(config.emulateTrace == "/tmp/t.csv")
        var unknown = DaemonConfig()
        do {
            try unknown.apply(fileText: (lines + ["wibble = 3"]).joined(separator: ending), source: "holdfast.conf")
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.description == "holdfast.conf:7: wibble: unknown key")
        }
    }

    @Test func errorMessagesCarryNoControlCharacters() {
        for text in ["sensor = ads1115\r\nalarm_level = 77\r\n", "alarm_level = \u{1B}[2J\n", "\u{1B}]0;owned\u{07} = 1"] {
            var config = DaemonConfig()
            do {
                try config.apply(fileText: text, source: "holdfast.conf")
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(!TerminalText.containsUnsafe(error.description), "\(error.description.debugDescription)")
            }
        }
    }

    @Test func aHashStartsACommentOnlyAtTheStartOrAfterWhitespace() throws {
        var config = DaemonConfig()
        try config.apply(fileText: "emulate_trace = /tmp/take#2.csv\nalarm_level = 7\t# firm\n  # indented comment\n",
                         source: "holdfast.conf")
        #expect(config.emulateTrace == "/tmp/take#2.csv")
        #expect(config.alarmLevel == 7)
        var client = DaemonConfig()
        #expect(throws: ConfigError.self) { try client.apply(fileText: "client = ab#cd", source: "holdfast.conf") }
        #expect(client.client == nil)
    }

    /// The chip's rate table and the filter design are checked with the keys' places.
    @Test(arguments: [
        ("bus = emulated\nemulate_trace = t.csv\nsensor = ads1115\nrate_hz = 123\n",
         "holdfast.conf:4: rate_hz: 123 SPS is not one of the ads1115's rates"),
        ("bus = emulated\nemulate_trace = t.csv\nrate_hz = 10\ncutoff_hz = 10\n",
         "holdfast.conf:4: cutoff_hz: low-pass cutoff 10.0 Hz is out of range for 10.0 Hz"),
        ("bus = emulated\nemulate_trace = t.csv\nstart_n = 2\nend_n = 4\n", "holdfast.conf:4: end_n: thresholds: end force 4.0 N"),
    ])
    func combinationsNameTheLine(text: String, expected: String) throws {
        var config = DaemonConfig()
        try config.apply(fileText: text, source: "holdfast.conf")
        do {
            _ = try config.validated()
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func flagsAreUsageErrors() throws {
        var config = DaemonConfig()
        try config.apply(fileText: "bus = emulated\nemulate_trace = t.csv\n", source: "holdfast.conf")
        try config.set("rate_hz", "123", from: .flag("--rate-hz 123"))
        do { _ = try config.validated(); Issue.record("accepted") } catch {
            #expect(error.isUsageError)
            #expect(error.description.hasPrefix("--rate-hz 123: 123 SPS is not one of"))
        }
    }

    @Test func sessionNamesAreSafe() throws {
        #expect(SessionName.fileName(unixSeconds: 0, client: "jd42") == "19700101T000000Z-jd42.jsonl")
        #expect(SessionName.iso(unixSeconds: 1_795_000_000) == "2026-11-18T11:06:40Z")
        for bad in ["", "../x", "a/b", "name with space", String(repeating: "a", count: 33), "é"] {
            #expect(throws: ConfigValueError.self) { try SessionName.sanitisedClient(bad) }
        }
    }
}

@Suite("Emulated sensor source")
struct SensorSourceTests {
    /// A trace may start anywhere the reader accepts (±9.2e9 s); moving it onto the clock trapped.
    @Test(arguments: ["-9223372000", "9223371000"])
    func aTraceTooFarFromZeroIsRefusedNotTrappedOn(start: String) throws {
        let path = NSTemporaryDirectory() + "holdfast-far-\(UUID().uuidString).csv"
        defer { unlink(path) }
        try "time_s,force_n\n\(start).000,0\n\(start).500,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        var config = DaemonConfig()
        config.bus = "emulated"
        config.emulateTrace = path
        config.emulateFaults = try FaultPlan(parsing: "nack@1+1")
        do {
            _ = try SensorSource.open(config) { _, _ in }
            Issue.record("played a trace starting at \(start) s")
        } catch {
            #expect(error.description.contains("too far from 0 to play"), "\(error)")
        }
    }
}

@Suite("Shipped configuration")
struct ShippedConfigurationTests {
    /// systemd/holdfast.conf is what scripts/install puts in /etc: it must parse.
    @Test func theDefaultConfigurationParses() throws {
        let path = DaemonHarness.root + "/systemd/holdfast.conf"
        var config = DaemonConfig()
        try config.apply(fileText: try String(contentsOfFile: path, encoding: .utf8), source: path)
        #expect(config.drdy == "pinctrl-bcm2711:17")
        #expect(config.calibration == "/etc/holdfast/calibration.json")
        _ = try config.validated()
    }
}

@Suite("Live sensor status")
struct SensorStatusTests {
    @Test(arguments: [
        (AcquisitionMode.dataReady, Int64(10_000_000), "ok"),
        (.polling, 10_000_000, "polling"),
        (.starting, 10_000_000, "restarting"),
        (.dataReady, 600_000_000, "disconnected"),
        (.polling, 600_000_000, "disconnected"),
    ])
    func describesTheCurrentMode(mode: AcquisitionMode, since: Int64, expected: String) {
        #expect(SensorStatus.describe(mode: mode, sinceLastSampleNs: since) == expected)
    }

    @Test func noSampleYetIsDisconnected() {
        #expect(SensorStatus.describe(mode: .starting, sinceLastSampleNs: nil) == "disconnected")
    }
}
