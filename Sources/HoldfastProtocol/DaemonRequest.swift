import HoldfastCore
import HoldfastPOSIX

/// One command to the running daemon and its reply, for scripts: a foot
/// pedal labelling points, a test rig, `holdfast send`.
public enum DaemonRequest {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notRunning(socket: String)
        /// Something listens there but does not accept (a stuck daemon).
        case notAccepting(socket: String, seconds: Double)
        case noReply(socket: String, seconds: Double)
        /// The daemon sent a line too long to be a message.
        case lineTooLong(socket: String)
        case closed(socket: String)
        /// The daemon answered with an error (its text).
        case refused(String)

        public var description: String {
            switch self {
            case .notRunning(let s): "\(s): cannot connect; is the daemon running (systemctl status holdfast)?"
            case .notAccepting(let s, let t): "\(s): the daemon did not accept the connection within \(t) s; is it stuck?"
            case .noReply(let s, let t): "\(s): no reply within \(t) s"
            case .lineTooLong(let s): "\(s): the daemon sent a line longer than \(DaemonConnection.maxLineBytes) bytes"
            case .closed(let s): "\(s): the daemon closed the connection before replying"
            case .refused(let why): "refused: \(why)"
            }
        }
    }

    /// Sends `command` and waits for the message that answers it — its reply, or
    /// for `status` the live frame — skipping the frames and events broadcast meanwhile.
    public static func send(_ command: ControlCommand, socket: String,
                            timeoutSeconds: Double = 2) -> Result<DaemonMessage, Failure> {
        // One deadline for everything: connecting, sending and the reply.
        let deadline = monotonicNanoseconds() + Int64(min(max(timeoutSeconds, 0), 3600) * 1e9)
        let connection: DaemonConnection
        do { connection = try DaemonConnection(path: socket, deadlineNs: deadline) } catch {
            switch error {
            case .notRunning: return .failure(.notRunning(socket: socket))
            case .notAccepting: return .failure(.notAccepting(socket: socket, seconds: timeoutSeconds))
            }
        }
        let id = "send-\(getpid())"
        connection.send(command, id: id)
        while true {
            let messages: [DaemonMessage]
            switch connection.receive() {
            case .messages(let m): messages = m
            case .closed: return .failure(.closed(socket: socket))
            case .lineTooLong: return .failure(.lineTooLong(socket: socket))
            }
            for message in messages {
                switch message {
                case .reply(let reply) where reply.id == id:
                    guard reply.ok else {
                        return .failure(.refused(TerminalText.escaped(reply.error ?? "(no reason given)", limit: 400)))
                    }
                    return .success(message)
                case .live(let frame) where frame.id == id:
                    return .success(message)
                default:
                    continue
                }
            }
            let leftNs = deadline - monotonicNanoseconds()
            guard leftNs > 0 else { return .failure(.noReply(socket: socket, seconds: timeoutSeconds)) }
            var ready = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&ready, 1, Int32(min(leftNs, 1_000_000_000) / 1_000_000) + 1)
        }
    }
}
