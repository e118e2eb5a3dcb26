import Foundation
import HoldfastPOSIX
import HoldfastEmulation
import Synchronization
import Testing

/// The real daemon against what a hostile or buggy client, an unlucky disk
/// and a careless admin do to it. Each test failed before its fix.
@Suite("Daemon reliability", .serialized)
struct DaemonReliabilityTests {
    /// Five holds of 6–8 s at 4× speed: about 14 s of real time.
    static let holds = """
        rate_hz 320
        noise_n 0.1
        hold 1
        point upper trapezius L
        ramp 32 1
        hold 7
        ramp 0 1
        hold 2
        ramp 34 1
        hold 6
        ramp 0 1
        hold 2
        ramp 30 1
        hold 8
        ramp 0 1
        hold 2
        ramp 33 1
        hold 6
        ramp 0 1
        hold 2
        ramp 31 1
        hold 7
        ramp 0 1
        hold 3

        """

    static func truthHolds(_ text: String) throws -> Int {
        GroundTruth(scenario: try Scenario(parsing: text, name: "t", source: "t")).holds.count
    }

    // MARK: Floods

    /// Several clients flood the socket (bursts of 4 MB of commands, and continuous floods that
    /// reconnect when dropped) while a watch client and a systemd stand-in measure the cadence.
    @Test func aFloodOfCommandsFromSeveralClientsChangesNothing() throws {
        let notify = try NotifySocket()
        let daemon = try DaemonHarness(scenario: Self.holds, speed: 4,
                                       environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "100000"])
        let watcher = try daemon.connect()
        _ = try #require(watcher.wait(within: 5) { $0["type"] as? String == "live" })
        usleep(500_000)
        let baselineKB = daemon.memoryKB("VmRSS") ?? 0
        let frames = FrameClock(client: watcher)
        let stopFlood = Atomic<Bool>(false)
        var flooders: [Thread] = []
        let sent = Atomic<Int>(0)
        for k in 0..<4 {
            let thread = Thread { [socketPath = daemon.socketPath] in
                let burst = [UInt8](String(repeating: k % 2 == 0 ? "a\n" : "{\"cmd\":\"status\"}\n", count: 250_000).utf8)
                while !stopFlood.load(ordering: .relaxed) {
                    guard let fd = rawConnect(socketPath) else { usleep(10_000); continue }
                    var offset = 0
                    while offset < burst.count && !stopFlood.load(ordering: .relaxed) {
                        let n = burst[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        if n <= 0 { break }
                        offset += n
                        sent.wrappingAdd(n, ordering: .relaxed)
                    }
                    close(fd)
                }
            }
            thread.start()
            flooders.append(thread)
        }
        notify.reset()
        frames.start()
        sleep(8)
        stopFlood.store(true, ordering: .relaxed)
        let frameGapMs = frames.stop()
        let watchdogGapMs = notify.longestGapMs(of: "WATCHDOG=1")
        let peakKB = daemon.memoryKB("VmHWM") ?? .max
        print("flood: \(sent.load(ordering: .relaxed) / 1_000_000) MB sent; longest frame gap \(frameGapMs) ms, "
              + "watchdog gap \(watchdogGapMs) ms; resident \(baselineKB) kB before, peak \(peakKB) kB")
        #expect(frameGapMs < 100, "longest gap between live frames: \(frameGapMs) ms")
        #expect(watchdogGapMs < 100, "longest gap between watchdog pings: \(watchdogGapMs) ms")
        #expect(peakKB - baselineKB < 8 * 1024, "resident memory grew from \(baselineKB) kB to \(peakKB) kB")
        _ = watcher.wait(within: 30) { ($0["type"] as? String) == "live" && ($0["stage"] as? String) == "idle" && ($0["t_s"] as? Double ?? 0) > 55 }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0)
        let session = try readSession(try #require(try daemon.sessionFiles().first))
        // Computed first: Swift 6.0's #expect cannot hold a `try` on its right-hand side.
        let truthHolds = try Self.truthHolds(Self.holds)
        #expect(session.records.filter { $0["type"] as? String == "hold" }.count == truthHolds)
        #expect(session.records.last?["type"] as? String == "summary")
    }

    // MARK: Disk

    /// The state directory is on a small tmpfs that fills up mid-session: ending the
    /// session, starting another and SIGTERM lose nothing; the next start finishes the files.
    @Test(.enabled(if: getuid() == 0, "needs root to mount a small tmpfs"))
    func aFullDiskLosesNoRecord() throws {
        let mount = try TinyFileSystem(megabytes: 4)
        let state = mount.path + "/sessions"
        let daemon = try DaemonHarness(scenario: Self.holds, speed: 4, stateDirectory: state)
        let client = try daemon.connect()
        _ = try #require(client.wait(within: 5) { $0["type"] as? String == "live" })
        mount.fill()
        var seenHolds = 0
        while seenHolds < 2, client.wait(within: 20, for: { $0["type"] as? String == "hold" }) != nil { seenHolds += 1 }
        #expect(seenHolds == 2)
        client.send(#"{"cmd":"session","action":"end"}"#)
        client.send(#"{"cmd":"session","action":"start","client":"second"}"#)
        // By now the full disk shows in the live frames: the summary and the new session's file need space.
        // (The first holds' records may still fit in a page the session file had before the disk filled;
        // those are written, and the frames rightly say nothing until a write fails.)
        let faulted = client.wait(within: 5) { ($0["fault"] as? String)?.contains("No space left on device") == true }
        #expect(faulted != nil, "the live frames say nothing is being recorded")
        while seenHolds < 4, client.wait(within: 20, for: { $0["type"] as? String == "hold" }) != nil { seenHolds += 1 }
        daemon.signal(SIGTERM)
        let exit = daemon.waitForExit(seconds: 15)
        #expect(exit == 75, "exit status says records were kept, not written; the daemon's log:\n\(daemon.log())")

        mount.free()
        let again = try DaemonHarness(scenario: "rate_hz 320\nhold 3\n", speed: 1, stateDirectory: state)
        _ = try again.connect()
        usleep(1_500_000)
        again.signal(SIGTERM)
        #expect(again.waitForExit(seconds: 10) == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasSuffix(".jsonl") }.sorted()
        try #require(files.count == 3)
        let first = try readSession(state + "/" + files[0])
        let secondName = try #require(files.first { $0.contains("second") })
        let second = try readSession(state + "/" + secondName)
        #expect(!first.torn && !second.torn)
        #expect(first.records.last?["type"] as? String == "summary")
        #expect(second.records.last?["type"] as? String == "summary")
        let written = (first.records + second.records).filter { $0["type"] as? String == "hold" }.count
        #expect(written >= seenHolds, "\(written) holds in the files, \(seenHolds) shown live")
    }

    /// A state directory that cannot be written is a fault in every live frame, not only a log line.
    @Test func anUnwritableStateDirectoryIsAFaultTheTherapistSees() throws {
        let scratch = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let notADirectory = scratch + "/state"
        try "a regular file, not a directory\n".write(toFile: notADirectory, atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(scenario: Self.holds, speed: 4, stateDirectory: notADirectory + "/sessions")
        let client = try daemon.connect()
        let frame = try #require(client.wait(within: 5) { $0["type"] as? String == "live" && $0["fault"] != nil })
        let fault = try #require(frame["fault"] as? String)
        #expect(fault.contains("NOT RECORDED") && fault.contains("Not a directory"), "\(fault)")
        client.send(#"{"cmd":"status","id":"s"}"#)
        let status = try #require(client.wait { $0["id"] as? String == "s" })
        #expect((status["fault"] as? String)?.contains("NOT RECORDED") == true)
        daemon.signal(SIGTERM)
        let exit = daemon.waitForExit(seconds: 15)
        #expect(exit == 74, "nothing could be kept: the exit status says so (got \(exit.map(String.init) ?? "none"))")
        #expect(try String(contentsOfFile: notADirectory, encoding: .utf8) == "a regular file, not a directory\n")
    }

    // MARK: Socket ownership and signals

    @Test func aSecondDaemonOnTheSameSocketRefusesAndTheFirstStaysReachable() throws {
        let first = try DaemonHarness(scenario: Self.holds, speed: 1)
        _ = try first.connect()
        let second = try DaemonHarness(scenario: Self.holds, speed: 1, socketPath: first.socketPath)
        #expect(second.waitForExit(seconds: 10) == 1)
        #expect(second.log().contains("another holdfast daemon owns this socket path"))
        let client = try #require(SocketClient(path: first.socketPath), "the first daemon is unreachable")
        #expect(client.wait(within: 5) { $0["type"] as? String == "live" } != nil)
    }

    @Test func aSocketPathNamingAFileIsRefusedAndTheFileKept() throws {
        let scratch = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = scratch + "/notes.txt"
        try "keep me\n".write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(scenario: Self.holds, speed: 1, socketPath: path)
        #expect(daemon.waitForExit(seconds: 10) == 1)
        #expect(daemon.log().contains("is not a socket; not removing it"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
    }

    /// The log's reader goes away (SIGPIPE on the next log line), then SIGUSR1 and SIGHUP:
    /// the daemon runs on, and SIGTERM still ends it cleanly with a summary.
    @Test func lostLogReaderAndStraySignalsDoNotKillIt() throws {
        let pipe = Pipe()
        let daemon = try DaemonHarness(scenario: Self.holds, speed: 4, stderr: pipe)
        let client = try daemon.connect()
        _ = try #require(client.wait(within: 5) { $0["type"] as? String == "live" })
        try pipe.fileHandleForReading.close()
        daemon.signal(SIGUSR1)
        daemon.signal(SIGHUP)
        client.send(#"{"cmd":"mark","note":"after the log went"}"#)
        #expect(client.wait(within: 5) { $0["type"] as? String == "reply" } != nil)
        _ = try #require(client.wait(within: 5) { $0["type"] as? String == "hold" })
        #expect(daemon.process.isRunning)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(seconds: 10) == 0)
        let session = try readSession(try #require(try daemon.sessionFiles().first))
        #expect(session.records.last?["type"] as? String == "summary")
    }

    /// Out of file descriptors with clients still knocking: the daemon does not spin on accept.
    @Test func theDescriptorLimitDoesNotMakeItSpin() throws {
        let daemon = try DaemonHarness(scenario: Self.holds, speed: 1)
        let watcher = try daemon.connect()
        let limit = Process()
        limit.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        limit.arguments = ["--pid", "\(daemon.pid)", "--nofile=24:24"]
        try limit.run()
        limit.waitUntilExit()
        try #require(limit.terminationStatus == 0, "prlimit failed")
        var extra: [Int32] = []
        for _ in 0..<60 { if let fd = rawConnect(daemon.socketPath, nonBlocking: true) { extra.append(fd) } }
        defer { extra.forEach { close($0) } }
        usleep(300_000)
        let before = daemon.cpuTicks() ?? 0
        sleep(2)
        let used = Double((daemon.cpuTicks() ?? 0) - before) / Double(sysconf(Int32(_SC_CLK_TCK))) / 2
        print("descriptor limit: \(extra.count) extra clients; daemon CPU \(Int(used * 100)) % of a core")
        #expect(used < 0.3, "the daemon used \(Int(used * 100)) % of a core at the descriptor limit")
        #expect(watcher.wait(within: 2) { $0["type"] as? String == "live" } != nil)
        #expect(daemon.log().contains("out of file descriptors"))
    }
}

// MARK: Test stand-ins

/// A connected Unix stream socket (blocking unless asked; a non-blocking one may still be
/// waiting in the listen queue), or nil.
func rawConnect(_ path: String, nonBlocking: Bool = false) -> Int32? {
    guard let fd = try? UnixSocket.make(SOCK_STREAM, nonBlocking: nonBlocking, for: path) else { return nil }
    let ok = (try? UnixSocket.withAddress(path) { connect(fd, $0, $1) }) ?? -1
    if ok != 0 && !(nonBlocking && (errno == EAGAIN || errno == EINPROGRESS)) { close(fd); return nil }
    return fd
}

/// Times the live frames a client receives, on a thread of its own.
final class FrameClock: @unchecked Sendable {  // `client` is read by the clock's thread only, between start and stop
    private let client: SocketClient
    private let running = Atomic<Bool>(false)
    private let longestNs = Atomic<Int64>(0)
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(client: SocketClient) { self.client = client }

    func start() {
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            var last = DispatchTime.now().uptimeNanoseconds
            while running.load(ordering: .relaxed) {
                guard let m = client.next(within: 1) else { continue }
                guard m["type"] as? String == "live" else { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                let gap = Int64(now - last)
                if gap > longestNs.load(ordering: .relaxed) { longestNs.store(gap, ordering: .relaxed) }
                last = now
            }
            done.signal()
        }
        self.thread = thread
        thread.start()
    }

    /// Stops and returns the longest gap between frames, in ms.
    func stop() -> Int {
        running.store(false, ordering: .relaxed)
        done.wait()
        return Int(longestNs.load(ordering: .relaxed) / 1_000_000)
    }
}

/// Stands in for systemd's notification socket and records when each message came.
final class NotifySocket: @unchecked Sendable {  // `received` is guarded by its mutex
    let path: String
    private let fd: Int32
    private let received = Mutex<[(String, UInt64)]>([])
    private let directory: String

    init() throws {
        directory = try makeTemporaryDirectory()
        path = directory + "/notify"
        fd = try UnixSocket.make(SOCK_DGRAM, for: path)
        guard (try UnixSocket.withAddress(path) { bind(fd, $0, $1) }) == 0 else { throw HarnessError("cannot bind \(path)") }
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                let text = String(decoding: buffer[..<n], as: UTF8.self)
                received.withLock { $0.append((text, DispatchTime.now().uptimeNanoseconds)) }
            }
        }.start()
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        try? FileManager.default.removeItem(atPath: directory)
    }

    func reset() { received.withLock { $0.removeAll() } }

    /// The longest gap between two messages equal to `message`, up to now, in ms.
    func longestGapMs(of message: String) -> Int {
        let times = received.withLock { $0 }.filter { $0.0 == message }.map(\.1)
        let now = DispatchTime.now().uptimeNanoseconds
        var longest: UInt64 = 0
        for (a, b) in zip(times, times.dropFirst() + [now]) { longest = max(longest, b - a) }
        return times.isEmpty ? .max : Int(longest / 1_000_000)
    }
}

/// A tmpfs of a few megabytes that can be filled and freed (root only).
final class TinyFileSystem {
    let path: String
    private var filler: String { path + "/filler" }

    init(megabytes: Int) throws {
        path = try makeTemporaryDirectory()
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) == 0 else {
            throw HarnessError("cannot mount a tmpfs on \(path)")
        }
    }

    deinit {
        _ = run("/bin/umount", [path])
        rmdir(path)
    }

    /// Writes a file until the file system is full.
    func fill() {
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let block = [UInt8](repeating: 0x55, count: 4096)
        while block.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)
    }

    func free() { unlink(filler) }

    private func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
