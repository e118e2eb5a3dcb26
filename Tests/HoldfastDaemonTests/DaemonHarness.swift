import Foundation
import HoldfastProtocol
import HoldfastEmulation
import HoldfastPOSIX
import Testing

/// Runs the real `holdfast daemon` binary on an emulated sensor playing a
/// bundled scenario faster than real time, in a scratch state directory.
final class DaemonHarness {
    /// The `holdfast` built with the tests, or HOLDFAST_BINARY (to measure another build the same way).
    static let binary: String = {
        ProcessInfo.processInfo.environment["HOLDFAST_BINARY"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("holdfast").path
    }()
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    let directory: String
    let socketPath: String
    let stateDirectory: String
    let process = Process()
    let stderr: Pipe

    /// `scenario` names a bundled scenario, or is scenario text when it contains a newline.
    /// `stateDirectory` and `socketPath` default to fresh ones in a scratch directory.
    init(scenario: String, speed: Double, extra: [String] = [], environment: [String: String] = [:],
         stateDirectory: String? = nil, socketPath: String? = nil, stderr: Pipe = Pipe()) throws {
        directory = try makeTemporaryDirectory()
        self.socketPath = socketPath ?? directory + "/holdfast.sock"
        self.stateDirectory = stateDirectory ?? directory + "/sessions"
        self.stderr = stderr
        let trace = directory + "/trace.csv"
        var scenarioPath = Self.root + "/Simulator/scenarios/\(scenario).scenario"
        if scenario.contains("\n") {
            scenarioPath = directory + "/inline.scenario"
            try scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        }
        try ScenarioFile.writeTrace(try ScenarioFile.load(scenarioPath), to: trace)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["daemon", "--bus", "emulated", "--emulate-trace", trace, "--emulate-speed", "\(speed)",
                             "--socket", self.socketPath, "--state-dir", self.stateDirectory, "--realtime-priority", "off",
                             "--frame-hz", "50"] + extra
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Connects once the socket exists (up to 10 s).
    func connect() throws -> SocketClient {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let client = SocketClient(path: socketPath) { return client }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw HarnessError("daemon did not open \(socketPath): \(log())")
    }

    func log() -> String {
        String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self)
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    var pid: Int32 { process.processIdentifier }

    /// A line of /proc/PID/status in kB (VmRSS, VmHWM), or nil.
    func memoryKB(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
    }

    /// CPU time used so far (user + system), in clock ticks.
    func cpuTicks() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Waits for exit; returns the status, or nil after `seconds`.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The session files (not the reserve beside them), oldest first.
    func sessionFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: stateDirectory).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { stateDirectory + "/" + $0 }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A line-oriented client of the control socket.
final class SocketClient {
    let fd: Int32
    private var buffer: [UInt8] = []
    /// Every message read so far, in order: events that arrived while waiting for something else.
    private(set) var history: [[String: Any]] = []

    init?(path: String) {
        guard let fd = rawConnect(path) else { return nil }
        self.fd = fd
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The next message, or nil after `seconds`.
    func next(within seconds: Double = 5) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                let message = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
                if let message { history.append(message) }
                // The tests read the wire format; every line must also be what the typed clients decode.
                do { _ = try DaemonMessage.decode(line) } catch {
                    Issue.record("the daemon sent a line the protocol does not decode (\(error)): \(String(decoding: line, as: UTF8.self))")
                }
                return message
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer += chunk[..<n] } else if n == 0 { return nil }
        }
        return nil
    }

    /// The first message so far, or from now on, that satisfies `match` (for events that may
    /// already have gone by while the test waited for a reply).
    func event(within seconds: Double = 10, _ match: ([String: Any]) -> Bool) -> [String: Any]? {
        if let seen = history.first(where: match) { return seen }
        return wait(within: seconds, for: match)
    }

    /// Skips messages until one satisfies `match`.
    func wait(within seconds: Double = 10, for match: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let m = next(within: deadline.timeIntervalSinceNow) else { return nil }
            if match(m) { return m }
        }
        return nil
    }
}

/// Reads a session file: the records that parse, and whether the last line was torn.
func readSession(_ path: String) throws -> (records: [[String: Any]], torn: Bool) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var records: [[String: Any]] = []
    var torn = false
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (i, line) in lines.enumerated() where !line.isEmpty {
        if let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] {
            records.append(object)
        } else if i == lines.count - 1 {
            torn = true
        } else {
            throw HarnessError("\(path): line \(i + 1) is corrupt")
        }
    }
    return (records, torn)
}
