import HoldfastCore
import HoldfastPOSIX

/// A connection to the daemon's control socket: JSON lines in and out.
///
/// Nothing here waits without a deadline: connecting is non-blocking (a
/// daemon that is stuck, or a socket whose backlog is full, would otherwise
/// block `connect` for ever, with the watch's keys and Ctrl-C dead), and
/// incoming lines are bounded (a 300 MB line without a newline is a broken
/// daemon, not something to buffer).
public final class DaemonConnection {
    /// A daemon message is a few hundred bytes; its longest (a hello with a long scale) a few kilobytes.
    public static let maxLineBytes = 64 * 1024
    /// Read at most this much per `receive`, so one busy connection cannot hold up the watch's loop.
    static let maxReadPerCall = 1 << 20

    public let fd: Int32
    private var lines = LineBuffer(maxLineBytes: DaemonConnection.maxLineBytes)

    /// Why a connection could not be made.
    public enum ConnectFailure: Error, Equatable {
        /// Nothing listens there, or the path is not a socket.
        case notRunning
        /// The daemon is there but did not accept within the deadline (its backlog is full: stuck).
        case notAccepting
    }

    /// What `receive` found.
    public enum Received {
        /// The messages that came; lines that are not protocol messages are skipped (`skipped` counts them).
        case messages([DaemonMessage])
        /// The daemon closed the connection (or it failed).
        case closed
        /// The daemon sent a line longer than `maxLineBytes`: the connection is unusable.
        case lineTooLong
    }

    /// Connects, trying until `deadlineNs` (CLOCK_MONOTONIC) while the daemon's
    /// backlog is full; a deadline in the past tries once.
    public init(path: String, deadlineNs: Int64) throws(ConnectFailure) {
        // Everything happens on a local descriptor; `fd` is set only on success, so a
        // failed init never reaches deinit (which would close the number a second time,
        // by then perhaps another thread's file).
        guard let descriptor = try? UnixSocket.make(SOCK_STREAM, nonBlocking: true, for: path) else { throw .notRunning }
        func attempt() -> Result<Int32, Errno> {
            let connected = try? UnixSocket.withAddress(path) { address, length in
                valueOrErrno { connect(descriptor, address, length) }
            }
            return connected ?? .failure(Errno(ENAMETOOLONG))  // a path no socket address can hold
        }
        connecting: while true {
            guard case .failure(let failure) = attempt() else { break }
            switch failure.code {
            case EAGAIN, EINPROGRESS, EALREADY:
                // A Unix socket says EAGAIN when the listener's backlog is full: it is not
                // accepting. Try again shortly (poll would report an unconnected socket writable).
                guard monotonicNanoseconds() < deadlineNs else { close(descriptor); throw .notAccepting }
                _ = poll(nil, 0, 10)
            case EISCONN:
                break connecting
            default:
                close(descriptor)
                throw .notRunning
            }
        }
        fd = descriptor
    }

    deinit { close(fd) }

    /// Reads what is there (up to `maxReadPerCall`) and returns the complete messages.
    public func receive() -> Received {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var gone = false
        var total = 0
        var messages: [DaemonMessage] = []
        reading: while total < Self.maxReadPerCall {
            let n: Int
            switch valueOrErrno({ chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }) {
            case .success(let count) where count > 0: n = count
            case .failure(let e) where e.wouldBlock: break reading
            case .success, .failure: gone = true; break reading  // the daemon closed, or the connection broke
            }
            total += n
            chunk.withUnsafeBytes { lines.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            while let next = lines.nextLine() {
                guard case .success(let line) = next else { return .lineTooLong }
                if let m = try? DaemonMessage.decode(line) { messages.append(m) } else { skipped += 1 }
            }
        }
        return gone && messages.isEmpty ? .closed : .messages(messages)
    }

    /// Lines from the daemon that were not protocol messages (a daemon newer than this client, or broken).
    public private(set) var skipped = 0

    /// Sends a command (with `id`, to find its reply among the broadcasts).
    public func send(_ command: ControlCommand, id: String? = nil) {
        let data = command.line(id: id)
        _ = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
