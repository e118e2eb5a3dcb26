import HoldfastPOSIX

/// One connection to the control socket, with limits that bound what any
/// client — buggy or hostile — can cost the daemon per loop iteration and in
/// memory: at most ``readBudget`` bytes are read per iteration (the rest
/// waits in the kernel), lines are at most ``maxLine`` bytes, commands beyond
/// 20 a second are refused with one reply per burst and dropped, a client
/// that keeps flooding is disconnected, and the output buffer never grows
/// past ``maxOutput``: live frames are dropped first, and a client that
/// cannot take an event (it stopped reading) is disconnected rather than
/// buffered for.
final class ControlClient {
    static let maxLine = 1024
    static let maxOutput = 256 * 1024
    static let readBudget = 16 * 1024
    static let stuckAfterNs: Int64 = 2_000_000_000
    static let commandsPerSecond = 20.0
    /// Commands refused in one burst before the client counts as flooding.
    static let refusalsBeforeDisconnect = 200

    let fd: Int32
    private var input: [UInt8] = []
    private var discardingLongLine = false
    private var output: [UInt8] = []
    private var outputStart = 0
    private var halfFullSinceNs: Int64?
    private var tokens = ControlClient.commandsPerSecond
    private var tokensAtNs: Int64
    private var refusedInBurst = 0
    /// Why the client is to be disconnected, once it is.
    private(set) var disconnectReason: String?
    private(set) var closed = false

    init(fd: Int32, nowNs: Int64) {
        self.fd = fd
        tokensAtNs = nowNs
        output.reserveCapacity(4096)
    }

    enum Incoming {
        case line(String)
        case error(String)
    }

    var hasOutput: Bool { outputStart < output.count }
    /// Bytes queued for the client and not yet taken by its socket.
    var bufferedBytes: Int { output.count - outputStart }

    /// Reads at most ``readBudget`` bytes and returns the complete lines (or
    /// errors) among them; what is left stays in the kernel for the next iteration.
    func readAvailable(nowNs: Int64) -> [Incoming] {
        var result: [Incoming] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var budget = Self.readBudget
        reading: while budget > 0, !closed, disconnectReason == nil {
            let n: Int
            switch valueOrErrno({ chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, budget)) } }) {
            case .success(let count) where count > 0: n = count
            case .failure(let e) where e.wouldBlock: break reading
            case .success, .failure: closed = true; break reading  // end of file, or a broken connection
            }
            budget -= n
            for byte in chunk[..<n] {
                if byte == UInt8(ascii: "\n") {
                    if discardingLongLine {
                        discardingLongLine = false
                    } else if !input.isEmpty, let incoming = admit(input, nowNs: nowNs) {
                        result.append(incoming)
                    }
                    input.removeAll(keepingCapacity: true)
                } else if !discardingLongLine {
                    input.append(byte)
                    if input.count > Self.maxLine {
                        input.removeAll(keepingCapacity: true)
                        discardingLongLine = true
                        if let refusal = refuse("command longer than \(Self.maxLine) bytes") { result.append(refusal) }
                    }
                }
            }
            if n < chunk.count { break }  // drained
        }
        return result
    }

    /// Token bucket: commands beyond 20 a second are refused, not queued.
    private func admit(_ bytes: [UInt8], nowNs: Int64) -> Incoming? {
        tokens = min(Self.commandsPerSecond, tokens + Double(max(0, nowNs - tokensAtNs)) / 1e9 * Self.commandsPerSecond)
        tokensAtNs = nowNs
        guard tokens >= 1 else {
            return refuse("too many commands (at most \(Int(Self.commandsPerSecond)) a second); dropping them until the client slows down")
        }
        tokens -= 1
        refusedInBurst = 0
        guard let text = String(validating: bytes, as: UTF8.self) else { return .error("command is not valid UTF-8") }
        return .line(text)
    }

    /// The first refusal of a burst is answered; the rest are counted, and a
    /// client that keeps going is disconnected.
    private func refuse(_ why: String) -> Incoming? {
        refusedInBurst += 1
        if refusedInBurst > Self.refusalsBeforeDisconnect {
            disconnectReason = "flooding the control socket (\(refusedInBurst) commands refused in a row)"
            return nil
        }
        return refusedInBurst == 1 ? .error(why) : nil
    }

    /// Queues a line. Live frames are dropped while the client is behind; a
    /// line that must not be dropped and does not fit disconnects the client.
    func enqueue(_ line: [UInt8], droppable: Bool, nowNs: Int64) {
        guard disconnectReason == nil, !closed else { return }
        if bufferedBytes + line.count > Self.maxOutput {
            if droppable { return }
            disconnectReason = "not reading: \(bufferedBytes) bytes of replies and events waiting"
            return
        }
        if outputStart > 0 && outputStart >= output.count / 2 {
            output.removeSubrange(..<outputStart)
            outputStart = 0
        }
        output += line
    }

    /// Writes what the socket takes now. Returns false if the client should be dropped.
    func flush(nowNs: Int64) -> Bool {
        sending: while hasOutput && disconnectReason == nil {
            let sent = valueOrErrno {
                output.withUnsafeBytes { raw in
                    let pending = UnsafeRawBufferPointer(rebasing: raw[outputStart...])
                    return send(fd, pending.baseAddress, pending.count, Int32(MSG_NOSIGNAL))
                }
            }
            switch sent {
            case .success(let n): outputStart += n
            case .failure(let e) where e.wouldBlock: break sending
            case .failure:
                closed = true
                return false
            }
        }
        if !hasOutput {
            output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
            outputStart = 0
        }
        if bufferedBytes <= Self.maxOutput / 2 {
            halfFullSinceNs = nil
        } else if halfFullSinceNs == nil {
            halfFullSinceNs = nowNs
        }
        if let since = halfFullSinceNs, nowNs - since > Self.stuckAfterNs {
            disconnectReason = "not reading for \(Self.stuckAfterNs / 1_000_000_000) s"
        }
        return !closed && disconnectReason == nil
    }
}
