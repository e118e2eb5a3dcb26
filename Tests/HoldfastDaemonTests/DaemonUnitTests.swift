import Foundation
import HoldfastCore
@testable import HoldfastDaemon
import HoldfastPOSIX
import HoldfastSensors
import HoldfastEmulation
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

@Suite("Control clients' limits")
struct ControlClientTests {
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

@Suite("Live sensor status")
struct SensorHealthTests {
    @Test(arguments: [
        (AcquisitionMode.dataReady, Int64(10_000_000), "ok"),
        (.polling, 10_000_000, "polling"),
        (.starting, 10_000_000, "restarting"),
        (.dataReady, 600_000_000, "disconnected"),
        (.polling, 600_000_000, "disconnected"),
    ])
    func describesTheCurrentMode(mode: AcquisitionMode, since: Int64, expected: String) {
        #expect(SensorHealth.describe(mode: mode, sinceLastSampleNs: since) == expected)
    }

    @Test func noSampleYetIsDisconnected() {
        #expect(SensorHealth.describe(mode: .starting, sinceLastSampleNs: nil) == "disconnected")
    }
}

@Suite("Daemon log")
struct DaemonLogTests {
    /// Under systemd each line carries its syslog priority for the journal; on a terminal, words.
    @Test(arguments: [true, false])
    func levelsReachTheLog(journal: Bool) throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let log = DaemonLog(fd: fds[1], environment: journal ? ["JOURNAL_STREAM": "8:1234"] : [:])
        log.log.warning("the target zone starts at 2.75 N")
        log.log.info("session started")
        log.log.error("cannot create session file")
        log.flush(timeoutMs: 2000)
        close(fds[1])
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = read(fds[0], &bytes, bytes.count)
        let text = String(decoding: bytes[..<max(0, n)], as: UTF8.self)
        if journal {
            #expect(text == "<4>the target zone starts at 2.75 N\n<6>session started\n<3>cannot create session file\n")
        } else {
            #expect(text == "warning: the target zone starts at 2.75 N\nsession started\nerror: cannot create session file\n")
        }
    }
}

@Suite("Record writer")
struct RecordWriterTests {
    /// The reserve that keeps records when the disk fills is there when the writer is made, before the
    /// daemon goes live: made later, by the writer's thread, it could come after the disk had filled.
    @Test func theReserveIsAllocatedBeforeTheWriterReturns() throws {
        let directory = try makeTemporaryDirectory() + "/sessions"
        let writer = try RecordWriter(directory: directory, log: Log { _, _ in })
        let reserve = fileStatus(directory + "/" + SpillReserve.fileName)
        _ = writer.finish(deadlineNs: monotonicNanoseconds() + 1_000_000_000)
        guard case .success(let info) = reserve else { Issue.record("no reserve yet: \(reserve)"); return }
        #expect(Int(info.st_size) == SpillReserve.size)
    }
}
