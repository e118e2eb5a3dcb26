import HoldfastPOSIX
import HoldfastProtocol
import Synchronization

/// Sends a played session's point labels (and scripted outcomes) to the daemon over its control
/// socket, as a therapist's key, foot pedal or the watch's form would: the daemon learns them
/// the way it learns any label, and never knows it is being fed a recording
/// (gpsd's fake feeder, kept outside the daemon).
///
/// `enqueue` is called from the acquisition thread as the emulated chip
/// reaches a label's row: it only queues. A thread of its own sends, one
/// `point` command each, retrying while the daemon is still starting.
public final class LabelFeeder: Sendable {
    private let pending = Mutex<[ControlCommand]>([])
    /// A pipe: `enqueue` writes a byte, the sending thread waits to read one.
    private let wake: (read: Int32, write: Int32)
    private let socket: String
    private let log: Log

    public init(socket: String, log: Log) throws(SystemError) {
        self.socket = socket
        self.log = log
        var fds: [Int32] = [-1, -1]
        _ = try valueOrErrno { pipe(&fds) }.get("pipe", "label feeder")
        do {
            for fd in fds { _ = try valueOrErrno { fcntl(fd, F_SETFD, FD_CLOEXEC) }.get("fcntl", "label feeder") }
        } catch {
            for fd in fds { closeDescriptor(fd) }
            throw error
        }
        wake = (fds[0], fds[1])
        _ = try JoinableThread(name: "label feeder") { [self] in run() }  // detached: runs as long as the process
    }

    /// Queues a label to send (any thread; never blocks).
    public func enqueue(_ label: String) { enqueue(command: .point(label)) }

    /// Queues a command to send (any thread; never blocks).
    public func enqueue(command: ControlCommand) {
        pending.withLock { $0.append(command) }
        var one: UInt8 = 1
        // EAGAIN cannot happen (a blocking pipe); a full pipe would only block until the sender reads.
        _ = valueOrErrno { write(wake.write, &one, 1) }
    }

    private func run() {
        while true {
            var byte: UInt8 = 0
            guard case .success = valueOrErrno({ read(wake.read, &byte, 1) }) else { return }  // blocks until woken
            let commands = pending.withLock { list in
                defer { list.removeAll() }
                return list
            }
            for command in commands { send(command) }
        }
    }

    /// One command; while the daemon is starting, tries again for up to 10 s.
    private func send(_ command: ControlCommand) {
        let deadline = monotonicNanoseconds() + 10_000_000_000
        while true {
            switch DaemonRequest.send(command, socket: socket) {
            case .success: return
            case .failure(.notRunning(_)) where monotonicNanoseconds() < deadline:
                usleep(20_000)
            case .failure(let why):
                log.warning("label feeder: \(String(decoding: command.line(id: nil).dropLast(), as: UTF8.self)) not sent: \(why)")
                return
            }
        }
    }
}
