import HoldfastPOSIX

/// One connection to the control socket: a line reader with a size limit, a
/// command rate limit, and an output buffer that never blocks the daemon.
/// A client that stops reading loses live frames first (events are kept),
/// and is disconnected when its buffer stays full.
final class ControlClient {
    static let maxLine = 1024
    static let maxBuffered = 256 * 1024
    static let stuckAfterNs: Int64 = 2_000_000_000
    static let commandsPerSecond = 20.0

    let fd: Int32
    private var input: [UInt8] = []
    private var discardingLongLine = false
    private(set) var output: [UInt8] = []
    private var fullSinceNs: Int64?
    private var tokens = ControlClient.commandsPerSecond
    private var tokensAtNs: Int64
    private(set) var closed = false

    init(fd: Int32, nowNs: Int64) {
        self.fd = fd
        tokensAtNs = nowNs
    }

    enum Incoming {
        case line(String)
        case error(String)
    }

    /// Reads what is available; returns complete lines (or errors for oversized or too-frequent ones).
    func readAvailable(nowNs: Int64) -> [Incoming] {
        var result: [Incoming] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { closed = true; break }
            if n < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { closed = true }
                break
            }
            for byte in chunk[..<n] {
                if byte == UInt8(ascii: "\n") {
                    if discardingLongLine {
                        discardingLongLine = false
                    } else if !input.isEmpty {
                        result.append(admit(input, nowNs: nowNs))
                    }
                    input.removeAll(keepingCapacity: true)
                } else if !discardingLongLine {
                    input.append(byte)
                    if input.count > Self.maxLine {
                        input.removeAll(keepingCapacity: true)
                        discardingLongLine = true
                        result.append(.error("command longer than \(Self.maxLine) bytes"))
                    }
                }
            }
        }
        return result
    }

    /// Token bucket: commands beyond 20 a second are refused, not queued.
    private func admit(_ bytes: [UInt8], nowNs: Int64) -> Incoming {
        tokens = min(Self.commandsPerSecond, tokens + Double(nowNs - tokensAtNs) / 1e9 * Self.commandsPerSecond)
        tokensAtNs = nowNs
        guard tokens >= 1 else { return .error("too many commands (at most \(Int(Self.commandsPerSecond)) a second)") }
        tokens -= 1
        guard let text = String(validating: bytes, as: UTF8.self) else { return .error("command is not valid UTF-8") }
        return .line(text)
    }

    /// Queues a line. Live frames are dropped while the client is behind; other lines are kept.
    func enqueue(_ line: [UInt8], droppable: Bool, nowNs: Int64) {
        if output.count + line.count > Self.maxBuffered {
            if fullSinceNs == nil { fullSinceNs = nowNs }
            if droppable { return }
        }
        output += line
    }

    /// Writes what the socket takes now. Returns false if the client should be dropped.
    func flush(nowNs: Int64) -> Bool {
        while !output.isEmpty {
            let n = output.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                closed = true
                return false
            }
            output.removeFirst(n)
        }
        if output.count <= Self.maxBuffered / 2 { fullSinceNs = nil }
        if let since = fullSinceNs, nowNs - since > Self.stuckAfterNs { return false }  // stuck: disconnect
        return !closed
    }
}
