import ArgumentParser
import HoldfastTerminal

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "The therapist's live view: pressure, level, hold timer, point, alarm.",
        discussion: "Keys: p label the point, t tare, c the client rates the pressure, n new session, ? help, q quit.")

    @Option(help: "The daemon's control socket.")
    var socket = "/run/holdfast/holdfast.sock"

    @Flag(help: "One line per hold and per alarm instead of the full screen (automatic when stdout is not a terminal).")
    var plain = false

    @Flag(help: "Show pressure in kgf instead of newtons.")
    var kgf = false

    func run() throws {
        let noColor = environmentFlag("NO_COLOR")
        let status = Watch(socketPath: socket, plain: plain, kgf: kgf, color: !noColor).run()
        if status != 0 { throw ExitCode(status) }
    }
}
