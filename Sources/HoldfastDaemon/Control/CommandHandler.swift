import HoldfastPOSIX
import HoldfastCore
import HoldfastProtocol
import HoldfastSession

/// What each control command does, and the reply it gets. The event loop
/// hands it every line a client sent; it answers every one (with a refusal
/// that says why, where the command cannot be done).
final class CommandHandler {
    private let treatment: Treatment
    private let sessions: Sessions
    private let core: CoreLink
    private let frames: FrameEncoder
    private let log: Log
    /// Starts a new session (the daemon knows how to name and head it).
    private let startSession: (String?) -> Void
    /// Ends the current session with its summary; returns its file.
    private let endSession: () -> String?

    init(treatment: Treatment, sessions: Sessions, core: CoreLink, frames: FrameEncoder,
         log: Log, startSession: @escaping (String?) -> Void,
         endSession: @escaping () -> String?) {
        self.treatment = treatment
        self.sessions = sessions
        self.core = core
        self.frames = frames
        self.log = log
        self.startSession = startSession
        self.endSession = endSession
    }

    /// The answer to one line from a client, received at `t` on the sample clock.
    func respond(to incoming: ControlClient.Incoming, at t: Int64) -> DaemonMessage {
        switch incoming {
        case .error(let message):
            return .reply(.refusal(id: nil, message))
        case .line(let text):
            switch ControlCommand.parse(text) {
            case .failure(let e): return .reply(.refusal(id: e.id, e.message))
            case .success(let parsed): return execute(parsed.command, id: parsed.id, at: t)
            }
        }
    }

    private func execute(_ command: ControlCommand, id: String?, at t: Int64) -> DaemonMessage {
        let session = sessions.current
        switch command {
        case .point(let label):
            treatment.timeline.set(label, at: t)
            session.map { $0.record(SessionEncoding.point(label, atNs: $0.relative(t))) }
            return .reply(DaemonMessage.Reply(id: id, point: label))
        case .tare:
            core.commands.push(.tare)
            return .reply(DaemonMessage.Reply(id: id, message: "taring for half a second; keep the sensor free"))
        case .rate(let level):
            let force = (core.live.snapshot.forceN * 10).rounded() / 10  // 0.1 N: the scale stays readable
            let warningBefore = treatment.warning
            do {
                let updated = try treatment.rate(forceN: force, level: level)
                core.commands.push(.setScale(updated))
                session.map { $0.record(SessionEncoding.rating(forceN: force, level: level, scale: updated, atNs: $0.relative(t))) }
                if let warning = treatment.warning, warning != warningBefore { log.warning(warning) }
                return .reply(DaemonMessage.Reply(id: id, scale: updated.text))
            } catch {
                return .reply(.refusal(id: id, error.reason))
            }
        case .startSession(let client):
            startSession(client)
            return .reply(DaemonMessage.Reply(id: id, file: sessions.current?.path))
        case .endSession:
            guard let path = endSession() else { return .reply(.refusal(id: id, "no session is open")) }
            return .reply(DaemonMessage.Reply(id: id, file: path))
        case .mark(let note):
            guard let session else { return .reply(.refusal(id: id, "no session is open")) }
            session.record(SessionEncoding.mark(note, atNs: session.relative(t)))
            return .reply(DaemonMessage.Reply(id: id))
        case .status:
            return .live(frames.frame(id: id))
        case .ppt:
            guard session != nil else { return .reply(.refusal(id: id, "no session is open")) }
            let live = core.live.snapshot
            // Checked here for a clear answer; the core decides at the signal's time (and says so in a notice).
            guard live.stage != .idle else {
                return .reply(.refusal(id: id, "signal with no contact: nothing is being pressed (the client signals during a press)"))
            }
            guard !live.signalled else { return .reply(.refusal(id: id, "this press already has the client's signal; the first counts")) }
            core.commands.push(.signal(atNs: t))
            return .reply(DaemonMessage.Reply(id: id, message: "signal: this press is a PPT trial; release to record it"))
        case .outcome(let outcome):
            guard let session else { return .reply(.refusal(id: id, "no session is open")) }
            session.record(SessionEncoding.outcome(outcome, atNs: session.relative(t)))
            return .reply(DaemonMessage.Reply(id: id, message: "recorded: \(outcome.summary)"))
        }
    }
}
