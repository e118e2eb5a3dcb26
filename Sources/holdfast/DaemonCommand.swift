import ArgumentParser
import FoundationEssentials
import HoldfastCore
import HoldfastDaemon
import HoldfastPOSIX

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the Holdfast service: acquire, detect holds, serve the live socket, write session files.",
        discussion: """
            Reads the configuration file (default /etc/holdfast/holdfast.conf, when present), then the flags, \
            which override it. Keys and the socket protocol: docs/daemon.md, docs/protocol.md.
            """)

    @Option(help: "Configuration file (KEY = VALUE lines).")
    var config: String?

    @Option var sensor: String?
    @Option var bus: String?
    @Option var address: String?
    @Option(name: .customLong("rate-hz")) var rateHz: String?
    @Option var drdy: String?
    @Option var calibration: String?
    @Option(name: .customLong("state-dir")) var stateDir: String?
    @Option var socket: String?
    @Option var scale: String?
    @Option(name: .customLong("start-n")) var startN: String?
    @Option(name: .customLong("end-n")) var endN: String?
    @Option(name: .customLong("max-dip-s")) var maxDipS: String?
    @Option(name: .customLong("max-regrip-s")) var maxRegripS: String?
    @Option(name: .customLong("min-hold-s")) var minHoldS: String?
    @Option(name: .customLong("cutoff-hz")) var cutoffHz: String?
    @Option(name: .customLong("alarm-level")) var alarmLevel: String?
    @Option(name: .customLong("alarm-gpio")) var alarmGPIO: String?
    @Option(name: .customLong("realtime-priority")) var realtimePriority: String?
    @Option var cpu: String?
    @Option(name: .customLong("frame-hz")) var frameHz: String?
    @Option(name: .customLong("emulate-trace")) var emulateTrace: String?
    @Option(name: .customLong("emulate-speed")) var emulateSpeed: String?
    @Option(name: .customLong("emulate-faults")) var emulateFaults: String?
    @Option var client: String?

    func resolved() throws -> DaemonConfig {
        var result = DaemonConfig()
        let path = config ?? (FileManager.default.fileExists(atPath: "/etc/holdfast/holdfast.conf") ? "/etc/holdfast/holdfast.conf" : nil)
        if let path {
            let text = try configurationText(path)
            do { try result.apply(fileText: text, source: path) } catch { throw CommandFailure(error.description) }
        }
        let flags: [(String, String?)] = [
            ("sensor", sensor), ("bus", bus), ("address", address), ("rate_hz", rateHz), ("drdy", drdy), ("calibration", calibration),
            ("state_dir", stateDir), ("socket", socket), ("scale", scale), ("start_n", startN), ("end_n", endN),
            ("max_dip_s", maxDipS), ("max_regrip_s", maxRegripS), ("min_hold_s", minHoldS), ("cutoff_hz", cutoffHz), ("alarm_level", alarmLevel),
            ("alarm_gpio", alarmGPIO), ("realtime_priority", realtimePriority), ("cpu", cpu), ("frame_hz", frameHz),
            ("emulate_trace", emulateTrace), ("emulate_speed", emulateSpeed), ("emulate_faults", emulateFaults),
            ("client", client),
        ]
        do {
            for (key, value) in flags {
                guard let value else { continue }
                try result.set(key, value, from: .flag("--\(key.replacing("_", with: "-")) \(value)"))
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
        let config = try resolved()
        let log = DaemonLog()
        let daemon: Daemon
        do {
            daemon = try Daemon(config: config, environment: ProcessInfo.processInfo.environment) { message in
                log.write(message)
            }
        } catch {
            log.flush(timeoutMs: 1000)
            throw CommandFailure(error.description)
        }
        let status = daemon.run()
        log.flush(timeoutMs: 2000)
        if status != 0 { throw ExitCode(status) }
    }
}
