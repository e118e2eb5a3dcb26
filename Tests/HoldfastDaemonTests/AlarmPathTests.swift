import Foundation
@testable import HoldfastDaemon
import HoldfastPOSIX
import HoldfastEmulation
import Synchronization
import Testing

/// A disk whose fsync takes half a second (an SD card on a bad day).
final class SlowDisk: LogFileCalls, @unchecked Sendable {  // used by the record writer's thread only
    let fsyncDelayUs: UInt32
    let fsyncs = Atomic<Int>(0)
    init(fsyncDelayMs: UInt32) { fsyncDelayUs = fsyncDelayMs * 1000 }
    var lastError: Int32 { errno }
    func create(_ path: String, mode: mode_t) -> Int32 { SystemLogFileCalls().create(path, mode: mode) }
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int { Glibc.write(fd, bytes.baseAddress, bytes.count) }
    func fsync(_ fd: Int32) -> Int32 {
        fsyncs.wrappingAdd(1, ordering: .relaxed)
        usleep(fsyncDelayUs)
        return Glibc.fsync(fd)
    }
}

/// A buzzer that cannot be switched.
final class BrokenBuzzer: AlarmSwitch {
    struct Failure: Error, CustomStringConvertible { var description: String { "set value failed: Input/output error" } }
    func set(_ on: Bool) throws { throw Failure() }
}

/// What the daemon logged, from any thread.
final class LogLines: Sendable {
    private let store = Mutex<[String]>([])
    func append(_ line: String) { store.withLock { $0.append(line) } }
    var lines: [String] { store.withLock { $0 } }
}

/// The daemon run inside the test process, with seams for the disk and the alarm output.
final class InProcessDaemon: @unchecked Sendable {  // `daemon` is touched by its own thread until joined
    let directory: String
    let socketPath: String
    let stateDirectory: String
    private let daemon: Daemon
    private var thread: JoinableThread<Void>?
    let status = Mutex<Int32?>(nil)
    let log = LogLines()

    init(scenario: String, fileCalls: LogFileCalls, alarmSwitch: AlarmSwitch?) throws {
        directory = try makeTemporaryDirectory()
        socketPath = directory + "/holdfast.sock"
        stateDirectory = directory + "/sessions"
        let trace = directory + "/trace.csv"
        let scenarioPath = directory + "/alarm.scenario"
        try scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        try ScenarioFile.writeTrace(try ScenarioFile.load(scenarioPath), to: trace)
        var config = DaemonConfig()
        config.socketPath = socketPath
        config.stateDirectory = stateDirectory
        config.realtimePriority = nil
        config.frameHz = 50
        let sensor = try EmulatedSession.play(trace, chip: .nau7802, speed: 1, faults: FaultPlan(), sampleRateHz: nil) { _, _ in }
        let log = self.log
        daemon = try Daemon(config: config, sensor: sensor, environment: [:], log: Log { _, line in log.append(line) },
                            fileCalls: fileCalls, alarmSwitch: alarmSwitch)
        thread = try JoinableThread(name: "daemon under test") { [self] in
            let code = daemon.run()
            status.withLock { $0 = code }
        }
    }

    /// Stops the daemon as SIGTERM would and returns its exit status.
    func stop() -> Int32? {
        daemon.stopRequest.set()
        thread?.join()
        thread = nil
        return status.withLock { $0 }
    }

    deinit {
        _ = stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func sessionFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: stateDirectory).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { stateDirectory + "/" + $0 }
    }
}

@Suite("The alarm never waits", .serialized)
struct AlarmPathTests {
    /// Three holds, each released and followed at once by an over-pressure push: every alarm crossing
    /// falls while the record writer is inside a 500 ms fsync of the hold before it.
    static let scenario = "rate_hz 320\nnoise_n 0.05\n" + String(repeating: """
        hold 0.5
        ramp 30 0.5
        hold 2
        ramp 0 0.2
        hold 0.35
        ramp 55 0.25
        hold 0.6
        ramp 0 0.2

        """, count: 3) + "hold 1\n"

    @Test func theAlarmGoesOutWithinTenMillisecondsWhileFsyncTakesHalfASecond() throws {
        let disk = SlowDisk(fsyncDelayMs: 500)
        let daemon = try InProcessDaemon(scenario: Self.scenario, fileCalls: disk, alarmSwitch: nil)
        let client = try #require(Self.connect(daemon.socketPath))
        var latencies: [Double] = []
        for _ in 0..<3 {
            let alarm = try #require(client.wait(within: 15) { $0["type"] as? String == "alarm" })
            latencies.append(Double((alarm["sent_ns"] as? Int ?? 0) - (alarm["crossing_ns"] as? Int ?? 0)) / 1e6)
        }
        print("alarm latencies with a 500 ms fsync: \(latencies) ms")
        #expect(latencies.allSatisfy { $0 >= 0 && $0 < 10 }, "alarm latencies \(latencies) ms")
        // Nothing recorded was lost by writing later: every hold and alarm is in the file.
        #expect(daemon.stop() == Daemon.exitAllWritten)
        #expect(disk.fsyncs.load(ordering: .relaxed) >= 3)
        let records = try readSession(try #require(try daemon.sessionFiles().first)).records
        #expect(records.filter { $0["type"] as? String == "hold" }.count == 3)  // the pushes are touches
        #expect(records.filter { $0["type"] as? String == "alarm" }.count == 3)
        #expect(records.last?["type"] as? String == "summary")
    }

    @Test func aBuzzerThatFailsIsCountedAndShownLive() throws {
        let daemon = try InProcessDaemon(scenario: Self.scenario, fileCalls: SystemLogFileCalls(), alarmSwitch: BrokenBuzzer())
        let client = try #require(Self.connect(daemon.socketPath))
        _ = try #require(client.wait(within: 15) { $0["type"] as? String == "alarm" })
        let frame = try #require(client.wait(within: 5) { ($0["fault"] as? String)?.contains("alarm output failed") == true })
        #expect((frame["fault"] as? String)?.contains("Input/output error") == true)
        #expect(daemon.stop() == Daemon.exitAllWritten)
        #expect(daemon.log.lines.contains { $0.contains("alarm output: cannot switch it on") })
    }

    static func connect(_ path: String) -> SocketClient? {
        for _ in 0..<500 {
            if let client = SocketClient(path: path) { return client }
            usleep(20_000)
        }
        return nil
    }
}
