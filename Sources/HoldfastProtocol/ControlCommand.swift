import HoldfastJSON
import HoldfastCore
import HoldfastSession

/// A command to the daemon: what clients send and the daemon validates, in
/// one place (the daemon, `holdfast send`, the watch, the label feeder and
/// the fuzz target all use this). See docs/protocol.md.
public enum ControlCommand: Equatable, Sendable {
    case point(String)
    case tare
    /// "The client says this pressure is a 7."
    case rate(level: Double)
    case startSession(client: String?)
    case endSession
    case mark(note: String?)
    case status
    /// The client signalled "now": the press in progress is a PPT trial.
    case ppt
    /// What the client reports (pain, a key movement, sleep, a note).
    case outcome(Outcome)

    public struct Parsed: Sendable, Equatable {
        public var command: ControlCommand
        public var id: String?
        public init(command: ControlCommand, id: String?) {
            self.command = command
            self.id = id
        }
    }

    /// Parses one line; the error names the problem.
    public static func parse(_ line: String) -> Result<Parsed, ControlError> {
        guard let object = JSON.object(from: line.utf8) else {
            return .failure(ControlError(id: nil, message: "not a JSON object"))
        }
        var id: String?
        if let raw = object["id"] {
            guard let text = raw as? String ?? (raw as? Int).map(String.init) ?? (raw as? Double).map({ "\($0)" }),
                  text.count <= 64 else {
                return .failure(ControlError(id: nil, message: "id must be a string or number of at most 64 characters"))
            }
            id = text
        }
        func fail(_ message: String) -> Result<Parsed, ControlError> { .failure(ControlError(id: id, message: message)) }
        guard let cmd = object["cmd"] as? String else { return fail("missing \"cmd\"") }
        switch cmd {
        case "point":
            guard let label = object["label"] as? String else { return fail("point needs \"label\"") }
            switch PointLabel.validate(label) {
            case .success(let l) where !l.isEmpty: return .success(Parsed(command: .point(l), id: id))
            case .success: return fail("point label is empty")
            case .failure(let e): return fail("point label \(e)")
            }
        case "tare":
            return .success(Parsed(command: .tare, id: id))
        case "rate":
            guard let level = object.number("level"), level.isFinite, (0...10).contains(level) else {
                return fail("rate needs \"level\" between 0 and 10")
            }
            return .success(Parsed(command: .rate(level: level), id: id))
        case "session":
            switch object["action"] as? String {
            case "start":
                var client: String?
                if let raw = object["client"] {
                    guard let text = raw as? String else { return fail("client must be a string") }
                    do { client = try ClientPseudonym.validated(text) } catch { return fail(error.reason) }
                }
                return .success(Parsed(command: .startSession(client: client), id: id))
            case "end":
                return .success(Parsed(command: .endSession, id: id))
            default:
                return fail("session needs \"action\": \"start\" or \"end\"")
            }
        case "mark":
            var note: String?
            if let raw = object["note"] {
                guard let text = raw as? String else { return fail("note must be text") }
                switch PointLabel.validateNote(text) {
                case .success(let n): note = n
                case .failure(let e): return fail("note \(e)")
                }
            }
            return .success(Parsed(command: .mark(note: note), id: id))
        case "status":
            return .success(Parsed(command: .status, id: id))
        case "ppt":
            return .success(Parsed(command: .ppt, id: id))
        case "outcome":
            do { return .success(Parsed(command: .outcome(try Outcome(fields: object)), id: id)) }
            catch { return fail("outcome: \(error)") }
        default:
            return fail("unknown cmd \"\(cmd.prefix(32))\"")
        }
    }
}

public struct ControlError: Error, Equatable, Sendable {
    public var id: String?
    public var message: String
}

extension ControlCommand {
    /// The command as a protocol line (with its newline), carrying `id` when given.
    public func line(id: String?) -> [UInt8] {
        var object: [String: Any] = [:]
        switch self {
        case .point(let label): object = ["cmd": "point", "label": label]
        case .tare: object = ["cmd": "tare"]
        case .rate(let level): object = ["cmd": "rate", "level": level]
        case .startSession(let client): object = ["cmd": "session", "action": "start"]; if let client { object["client"] = client }
        case .endSession: object = ["cmd": "session", "action": "end"]
        case .mark(let note): object = ["cmd": "mark"]; if let note { object["note"] = note }
        case .status: object = ["cmd": "status"]
        case .ppt: object = ["cmd": "ppt"]
        case .outcome(let outcome): object = outcome.fields; object["cmd"] = "outcome"
        }
        if let id { object["id"] = id }
        return Array((JSON.text(object) + "\n").utf8)
    }
}
