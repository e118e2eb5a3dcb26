import HoldfastProtocol
import HoldfastSession
import CLinux
import HoldfastCore
import HoldfastPOSIX

/// `holdfast watch`: the therapist's live view of the daemon, full screen,
/// or one line per hold and alarm in plain mode (also when stdout is not a terminal).
public final class Watch {
    private let socketPath: String
    private let plain: Bool
    private var state = WatchState()
    private var connection: DaemonConnection?
    private var terminal: TerminalWriter?
    private var prompt: (kind: Character, text: String)?
    private var help = false
    private var lastDraw: Int64 = 0
    private var dirty = true
    /// When the current connection was made, and whether the daemon has said anything on it yet.
    private var connectedAt: Int64 = 0
    private var heardFromDaemon = false
    /// A daemon that accepted nothing and sent no hello within this is treated as not there.
    private static let silenceLimitNs: Int64 = 3_000_000_000

    public init(socketPath: String, plain: Bool, kgf: Bool, color: Bool) {
        self.socketPath = socketPath
        self.plain = plain || !TerminalWriter.isTTY
        state.socketPath = TerminalText.escaped(socketPath, limit: 200)
        state.unitsInKgf = kgf
        if !self.plain { terminal = TerminalWriter(color: color) }
    }

    /// Runs until `q`, SIGINT, SIGTERM or SIGHUP; always restores the terminal.
    public func run() -> Int32 {
        var signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]
        let signalFD = holdfast_signalfd(&signals, Int32(signals.count))
        terminal?.enter()
        defer { terminal?.leave() }
        var lastAttempt: Int64 = 0
        if plain { print("holdfast watch: connecting to \(state.socketPath)") }
        while true {
            let now = monotonicNanoseconds()
            if connection == nil && now - lastAttempt >= 1_000_000_000 {
                lastAttempt = now
                // One try, no waiting: a stuck daemon must not freeze the keys; the next try is in a second.
                connection = try? DaemonConnection(path: socketPath, deadlineNs: now)
                connectedAt = now
                heardFromDaemon = false
                state.connected = connection != nil
                dirty = true
                if plain, connection != nil { print("connected to \(state.socketPath)") }
            } else if connection != nil, !heardFromDaemon, now - connectedAt > Self.silenceLimitNs {
                drop("the daemon at \(state.socketPath) accepted nothing and said nothing for 3 s; reconnecting")
            }
            var fds = [pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)]
            if !plain { fds.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)) }
            if let c = connection { fds.append(pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), 200)
            if fds[0].revents != 0 {
                let signal = holdfast_read_signal(signalFD)
                if signal == SIGWINCH { terminal?.invalidate(); dirty = true } else { return 0 }
            }
            if !plain, fds[1].revents != 0, !readKeys() { return 0 }
            if let c = connection, fds.last?.revents ?? 0 != 0 {
                switch c.receive() {
                case .messages(let messages):
                    if !messages.isEmpty { heardFromDaemon = true }
                    for m in messages { handle(m) }
                case .closed:
                    drop("lost the daemon at \(state.socketPath); reconnecting")
                case .lineTooLong:
                    drop("the daemon sent a line longer than \(DaemonConnection.maxLineBytes / 1024) KiB; reconnecting")
                }
            }
            redraw()
        }
    }

    /// Closes the connection, says why (on the screen's status line, or a line in plain mode); reconnects within a second.
    private func drop(_ why: String) {
        connection = nil
        state.connected = false
        state.status = why
        dirty = true
        if plain { print(why); fflush(nil) }
    }

    private func handle(_ message: DaemonMessage) {
        if state.apply(message) {
            terminal?.bell()  // once per alarm episode
        }
        dirty = true
        guard plain else { return }
        let n = String.init(format1:)
        switch message {
        case .hold(let h):
            print("hold  \(h.point.map { TerminalText.escaped($0, limit: 80) } ?? "-")  \(n(h.holdS)) s  mean \(n(h.meanN)) N"
                  + "  level \(n(h.meanLevel)) (peak \(n(h.peakLevel)))  target \(n(h.targetS)) s  over \(n(h.overS)) s")
        case .alarm(let a) where a.on:
            print("ALARM over-pressure: level \(n(a.level)) at \(n(a.forceN)) N")
        case .alarm(let a):
            print("alarm ended: level \(n(a.level))")
        default:
            break
        }
        fflush(nil)  // every output stream: stdout may be a pipe
    }

    private func redraw() {
        guard let terminal, dirty else { return }
        let now = monotonicNanoseconds()
        guard now - lastDraw >= 30_000_000 else { return }  // at most ~33 frames a second
        lastDraw = now
        dirty = false
        let size = terminal.size
        terminal.draw(Screen.render(state, width: size.cols, height: size.rows,
                                    prompt: prompt.map { promptLabel($0.kind) + $0.text + "_" }, help: help))
    }

    private func promptLabel(_ kind: Character) -> String {
        switch kind {
        case "p": "point name" + (state.recentPoints.isEmpty ? "" : " (Tab: " + state.recentPoints.joined(separator: ", ") + ")") + ": "
        case "c": "the client rates the pressure (0-10): "
        case "o": "outcome: p pain, m movement, s sleep, n note: "
        case "P": "pain 0-10, then now, morning or evening: "
        case "M": "movement: name, then VALUE deg|cm|s or pass|fail: "
        case "S": "sleep: night-time wake-ups: "
        case "N": "note: "
        default: "new session, client pseudonym (optional): "
        }
    }

    /// Handles keystrokes; returns false to quit.
    private func readKeys() -> Bool {
        var bytes = [UInt8](repeating: 0, count: 64)
        let n = bytes.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
        guard n > 0 else { return true }
        for b in bytes[..<n] {
            dirty = true
            if state.endedSession != nil && prompt == nil {
                state.endedSession = nil  // any key closes the table
                continue
            }
            if var p = prompt {
                switch b {
                case 27: prompt = nil  // Esc
                case 13, 10:
                    submit(p.kind, p.text.trimmingCharacters)
                    prompt = nil
                case 127, 8: if !p.text.isEmpty { p.text.removeLast() }; prompt = p
                case 9:
                    if p.kind == "p", !state.recentPoints.isEmpty {
                        let i = (state.recentPoints.firstIndex(of: p.text).map { $0 + 1 } ?? 0) % state.recentPoints.count
                        p.text = state.recentPoints[i]
                    }
                    prompt = p
                case 32...126 where p.kind == "o":
                    // The outcome form's first step: one key picks what is recorded.
                    let kinds: [UInt8: Character] = [UInt8(ascii: "p"): "P", UInt8(ascii: "m"): "M", UInt8(ascii: "s"): "S",
                                                     UInt8(ascii: "n"): "N"]
                    prompt = kinds[b].map { ($0, "") } ?? p
                case 32...126: if p.text.count < 200 { p.text.append(Character(UnicodeScalar(b))) }; prompt = p
                default: break
                }
                continue
            }
            switch b {
            case UInt8(ascii: "q"), 3: return false
            case UInt8(ascii: "p"), UInt8(ascii: "c"), UInt8(ascii: "n"), UInt8(ascii: "o"): prompt = (Character(UnicodeScalar(b)), "")
            case UInt8(ascii: "s"):
                // The client says "now": the press in progress is a PPT trial.
                connection?.send(.ppt)
                state.status = connection == nil ? "not connected" : "signal sent"
            case UInt8(ascii: "t"):
                connection?.send(.tare)
                state.status = "taring: keep the sensor free"
            case UInt8(ascii: "?"): help.toggle()
            default: break
            }
        }
        return true
    }

    private func submit(_ kind: Character, _ text: String) {
        guard let connection else { state.status = "not connected"; return }
        switch kind {
        case "p":
            guard !text.isEmpty else { return }
            state.remember(point: text)
            connection.send(.point(text))
        case "c":
            guard let level = Double(text) else { state.status = "error: \"\(text)\" is not a level from 0 to 10"; return }
            connection.send(.rate(level: level))
        case "P", "M", "S", "N":
            let word = ["P": "pain", "M": "movement", "S": "sleep", "N": "note"][kind] ?? "note"
            do { connection.send(.outcome(try Outcome(words: [word] + text.split(separator: " ").map(String.init)))) }
            catch { state.status = "error: \(error)" }
        case "o":
            return
        default:
            connection.send(.startSession(client: text.isEmpty ? nil : text))
        }
    }
}
