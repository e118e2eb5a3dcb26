import ArgumentParser
import FoundationEssentials
import HoldfastConfig
import HoldfastCore
import HoldfastDaemon
import HoldfastPOSIX

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the Holdfast service: acquire, detect holds, serve the live socket, write session files.",
        discussion: """
            Reads the configuration file (default /etc/holdfast/holdfast.conf, when present), then the flags, \
            which override it: every key is also a flag, --key-name VALUE. The keys (--keys lists them):
            \(ConfigKeys.all.map { "  \($0.flag) \($0.value)" }.joined(separator: "\n"))
            The socket protocol: docs/protocol.md.
            """)

    @Option(help: "Configuration file (KEY = VALUE lines).")
    var config: String?

    @Flag(help: "Print the configuration keys, their defaults and meanings (the table in docs/daemon.md), and exit.")
    var keys = false

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settings: [String] = []

    func resolved() throws -> HoldfastSettings {
        var result = HoldfastSettings()
        let path = config ?? (FileManager.default.fileExists(atPath: "/etc/holdfast/holdfast.conf") ? "/etc/holdfast/holdfast.conf" : nil)
        if let path {
            let text = try configurationText(path)
            do { try result.apply(fileText: text, source: path) } catch { throw CommandFailure(error.description) }
        }
        do throws(ConfigError) {
            var rest = settings[...]
            while let flag = rest.popFirst() {
                guard let key = ConfigKeys.flagged(flag) else {
                    throw ConfigError(.flag(flag), key: flag, reason: "unknown option (holdfast daemon --keys lists them)")
                }
                guard let value = rest.popFirst() else { throw ConfigError(.flag(flag), key: key.name, reason: "needs a value") }
                try result.set(key.name, value, from: .flag("\(flag) \(value)"))
            }
            return try result.validated()
        } catch {
            if error.isUsageError { throw usageFailure(error.description) }
            throw CommandFailure(error.description)
        }
    }

    /// The configuration file as text: a regular file of at most 1 MiB, UTF-8.
    private func configurationText(_ path: String) throws(CommandFailure) -> String {
        let bytes: [UInt8]
        do { bytes = try readFile(path, limit: 1 << 20) } catch { throw CommandFailure(TerminalText.escaped(error.description, limit: 400)) }
        // Decoded by hand to name the line of the first byte that is not UTF-8
        // (lines counted as the parser counts them: LF, CRLF or a lone CR).
        var text = ""
        var line = 1
        var previous: Unicode.Scalar = "\0"
        var decoder = UTF8()
        var input = bytes.makeIterator()
        while true {
            switch decoder.decode(&input) {
            case .scalarValue(let scalar):
                if scalar == "\r" || (scalar == "\n" && previous != "\r") { line += 1 }
                previous = scalar
                text.unicodeScalars.append(scalar)
            case .emptyInput:
                return text
            case .error:
                throw CommandFailure("\(TerminalText.escaped(path, limit: 200)):\(line): not UTF-8 text")
            }
        }
    }

    func run() throws {
        if keys {
            print(ConfigKeys.markdownTable, terminator: "")
            return
        }
        let settings = try resolved()
        let environment = ProcessInfo.processInfo.environment
        let log = DaemonLog(environment: environment)
        let daemon: Daemon
        do {
            let sensor = try SensorSources.open(settings.sensor, socket: settings.daemon.socketPath, log: log.log)
            daemon = try Daemon(config: settings.daemon, sensor: sensor, environment: environment, log: log.log)
        } catch {
            log.flush(timeoutMs: 1000)
            throw CommandFailure("\(error)")
        }
        let status = daemon.run()
        log.flush(timeoutMs: 2000)
        if status != 0 { throw ExitCode(status) }
    }
}
