import CLinux
import HoldfastPOSIX
import Synchronization

/// The daemon's log: lines go to a descriptor (stderr: the journal under
/// systemd, where each line starts with its syslog priority, `<4>`, so that
/// `journalctl -p warning` finds the warnings) from a thread of their own, so a slow or stuck reader of the log
/// never stalls the event loop or the acquisition. At most ``capacity``
/// lines wait; beyond that new lines are dropped and counted, and the count
/// is written as soon as there is room. A reader that goes away (EPIPE)
/// loses the log, never the daemon.
public final class DaemonLog: Sendable {
    public static let capacity = 1000

    private struct Queue {
        var lines: [String] = []
        var dropped = 0
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let wakeFD: Int32
    private let drained = Atomic<Bool>(true)
    private let fd: Int32
    /// Under systemd the journal reads priorities from a `<N>` prefix; on a terminal, words read better.
    private let journal: Bool

    /// Starts the writer thread. Without it (no eventfd or thread), lines are written directly.
    public init(fd: Int32 = STDERR_FILENO, environment: [String: String]) {
        self.fd = fd
        journal = environment["JOURNAL_STREAM"] != nil
        wakeFD = holdfast_eventfd()
        guard wakeFD >= 0 else { return }
        // Started before the daemon blocks its signals; JoinableThread starts it with them blocked.
        let detached = try? JoinableThread(name: "log") { [self] in run() }
        _ = detached  // runs detached: at exit it may be stuck on a reader that never reads
    }

    /// Queues a message at `level` (a newline is added).
    public func write(_ level: Log.Level, _ message: String) {
        write(journal ? "<\(level.rawValue)>" + message : level <= .notice ? message : "\(level.name): " + message)
    }

    /// What the daemon's parts log to.
    public var log: Log { Log { [self] level, message in write(level, message) } }

    /// Queues `line` (a newline is added).
    private func write(_ line: String) {
        guard wakeFD >= 0 else { Self.put(line + "\n", to: fd); return }
        let queued = queue.withLock { q -> Bool in
            guard q.lines.count < Self.capacity else { q.dropped += 1; return false }
            q.lines.append(line)
            return true
        }
        if queued {
            drained.store(false, ordering: .releasing)
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { Glibc.write(wakeFD, $0.baseAddress, 8) }
        }
    }

    /// Waits up to `timeoutMs` for the queued lines to be written (at exit).
    public func flush(timeoutMs: Int) {
        for _ in 0..<max(1, timeoutMs) where !drained.load(ordering: .acquiring) { usleep(1000) }
    }

    private func run() {
        while true {
            var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, -1)
            var counter: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &counter) { Glibc.read(wakeFD, $0.baseAddress, 8) }
            while true {
                let (lines, dropped) = queue.withLock { q in
                    defer { q.lines.removeAll(keepingCapacity: true); q.dropped = 0 }
                    return (q.lines, q.dropped)
                }
                if lines.isEmpty && dropped == 0 { break }
                var text = lines.map { $0 + "\n" }.joined()
                if dropped > 0 { text += "(\(dropped) log lines dropped: the log's reader fell behind)\n" }
                Self.put(text, to: fd)
            }
            drained.store(true, ordering: .releasing)
        }
    }

    /// Writes all of `text`; a log that cannot be written has nowhere to say so.
    private static func put(_ text: String, to fd: Int32) {
        writeAll(fd, text.utf8)
    }
}
