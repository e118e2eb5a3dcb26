import HoldfastPOSIX

/// One command to the running daemon and its reply, for scripts: a foot
/// pedal labelling points, a test rig, `holdfast send`.
public enum DaemonRequest {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notRunning(socket: String)
        case noReply(socket: String, seconds: Double)
        case closed(socket: String)
        /// The daemon answered with an error (its text).
        case refused(String)

        public var description: String {
            switch self {
            case .notRunning(let s): "\(s): cannot connect; is the daemon running (systemctl status holdfast)?"
            case .noReply(let s, let t): "\(s): no reply within \(t) s"
            case .closed(let s): "\(s): the daemon closed the connection before replying"
            case .refused(let why): "refused: \(why)"
            }
        }
    }

    /// Sends `command` (a protocol object, see docs/protocol.md) and waits
    /// for the reply that carries its id, skipping the frames and events
    /// broadcast meanwhile.
    public static func send(_ command: [String: Any], socket: String,
                            timeoutSeconds: Double = 2) -> Result<[String: Any], Failure> {
        guard let connection = DaemonConnection(path: socket) else { return .failure(.notRunning(socket: socket)) }
        let id = "send-\(getpid())"
        var message = command
        message["id"] = id
        connection.send(message)
        let deadline = monotonicNanoseconds() + Int64(timeoutSeconds * 1e9)
        while true {
            guard let messages = connection.receive() else { return .failure(.closed(socket: socket)) }
            if let reply = messages.first(where: { $0["id"] as? String == id }) {
                if reply["ok"] as? Bool == false { return .failure(.refused(reply["error"] as? String ?? "(no reason given)")) }
                return .success(reply)
            }
            let leftNs = deadline - monotonicNanoseconds()
            guard leftNs > 0 else { return .failure(.noReply(socket: socket, seconds: timeoutSeconds)) }
            var ready = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&ready, 1, Int32(min(leftNs, 1_000_000_000) / 1_000_000) + 1)
        }
    }
}
