import HoldfastProtocol
import ArgumentParser
import HoldfastTerminal
import HoldfastSession

/// One command to the running daemon, for scripts (a foot pedal that labels
/// points, a rig): prints the daemon's reply as a JSON line.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send one command to the running daemon and print its reply.",
        discussion: """
            point LABEL      the point being worked from now on
            tare             zero the sensor (keep it free for half a second)
            rate LEVEL       the client says the current pressure is LEVEL (1–10)
            start [CLIENT]   end the session and start a new one
            end              end the session
            mark [NOTE]      a mark in the session file
            status           the live state now
            ppt              the client signals "now": the press in progress is a PPT trial
            outcome WHAT     what the client reports: pain 0-10 [now|morning|evening],
                             movement NAME VALUE deg|cm|s, movement NAME pass|fail,
                             sleep WAKEUPS, note TEXT
            Exit status 1 if the daemon refuses, 2 if it cannot be reached.
            """)

    @Option(help: "The daemon's control socket.")
    var socket = "/run/holdfast/holdfast.sock"

    @Argument(help: "The command and its argument (see below).")
    var words: [String]

    func validate() throws { _ = try command() }

    /// The command `words` say.
    func command() throws -> ControlCommand {
        guard let verb = words.first else {
            throw ValidationError("say what to send: point, tare, rate, start, end, mark, status, ppt or outcome")
        }
        let rest = words.dropFirst().joined(separator: " ")
        func needs(_ what: String) throws -> String {
            guard !rest.isEmpty else { throw ValidationError("\(verb) needs \(what)") }
            return rest
        }
        func none() throws {
            guard rest.isEmpty else { throw ValidationError("\(verb) takes nothing after it (got \"\(rest)\")") }
        }
        switch verb {
        case "point": return .point(try needs("a label, e.g. holdfast send point upper trapezius L"))
        case "tare": try none(); return .tare
        case "rate":
            guard let level = Double(try needs("a level from 1 to 10")), level.isFinite else {
                throw ValidationError("rate needs a number from 1 to 10, not \"\(rest)\"")
            }
            return .rate(level: level)
        case "start": return .startSession(client: rest.isEmpty ? nil : rest)
        case "end": try none(); return .endSession
        case "mark": return .mark(note: rest.isEmpty ? nil : rest)
        case "status": try none(); return .status
        case "ppt": try none(); return .ppt
        case "outcome":
            do { return .outcome(try Outcome(words: Array(words.dropFirst()))) }
            catch { throw ValidationError("outcome: \(error)") }
        default: throw ValidationError("unknown command \"\(verb)\": point, tare, rate, start, end, mark, status, ppt or outcome")
        }
    }

    func run() throws {
        switch DaemonRequest.send(try command(), socket: socket) {
        case .success(let reply):
            print(String(decoding: reply.line.dropLast(), as: UTF8.self))
        case .failure(let failure):
            printError("holdfast send: \(failure)")
            if case .refused = failure { throw ExitCode(1) }
            throw ExitCode(2)
        }
    }
}
