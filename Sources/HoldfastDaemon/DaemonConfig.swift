import HoldfastCore
import HoldfastSensors
import HoldfastSimulator

/// Everything `holdfast daemon` needs, from /etc/holdfast/holdfast.conf
/// (`key = value` lines, `#` comments) with every key also a command-line flag.
/// See docs/daemon.md for the keys.
public struct DaemonConfig: Sendable {
    public var sensor: EmulatedChip = .nau7802
    /// "/dev/i2c-1", or "emulated" to play `emulateTrace` into an emulated chip in real time.
    public var bus = "/dev/i2c-1"
    public var address: UInt8?
    /// The chip's conversion rate; nil: the fastest it has (320, 860, 3300 SPS).
    public var rateHz: Double?
    /// CHIP:OFFSET of the data-ready line; nil polls.
    public var drdy: String?
    /// Sensor calibration file (from `holdfast calibrate`); required for a real bus.
    public var calibration: String?
    public var stateDirectory = "/var/lib/holdfast/sessions"
    public var socketPath = "/run/holdfast/holdfast.sock"
    public var scale = PressureScale.standard
    /// Start and end forces follow the client's scale unless start_n/end_n are set.
    public var holdRules = HoldRules.standard
    public var cutoffHz = SignalConfig.defaultCutoffHz
    /// The over-pressure alarm fires when the level reaches this.
    public var alarmLevel = 9.0
    /// CHIP:OFFSET of a buzzer or LED driven while the alarm is on.
    public var alarmGPIO: String?
    public var realtimePriority: Int32? = 50
    public var cpu: Int?
    /// Live frames per second on the socket.
    public var frameHz = 25.0
    /// For `bus = emulated`: the trace played as the force, and how much faster than real time.
    public var emulateTrace: String?
    public var emulateSpeed = 1.0
    /// For `bus = emulated`: faults injected into the chip, in seconds of the trace.
    public var emulateFaults = FaultPlan()
    /// Pseudonym of the client for the first session.
    public var client: String?

    /// Where each key was last set, so that a check of keys together (a rate the
    /// chip does not have) can still name the file and line, or the flag.
    public private(set) var origins: [String: ConfigOrigin] = [:]

    public init() {}

    /// Parses the configuration file format; errors name the line and key.
    /// Lines may end in LF, CRLF or a lone CR, and a UTF-8 byte-order mark is
    /// skipped: editors on any system save these. `#` starts a comment at the
    /// start of a line or after a space or tab (so `client = ab#cd` is refused
    /// as a pseudonym, not silently cut to `ab`).
    public mutating func apply(fileText text: String, source: String) throws(ConfigError) {
        for (index, raw) in TextLines.split(text).enumerated() {
            let line = TextLines.withoutComment(raw)
            guard !String(line).trimmingCharacters.isEmpty else { continue }
            let origin = ConfigOrigin.file(source, line: index + 1)
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(origin, key: String(line).trimmingCharacters, reason: "expected KEY = VALUE")
            }
            let key = String(line[..<eq]).trimmingCharacters
            let value = String(line[line.index(after: eq)...]).trimmingCharacters
            try set(key, value, from: origin)
        }
    }

    /// Sets one key and remembers where it came from; the error names that place.
    public mutating func set(_ key: String, _ value: String, from origin: ConfigOrigin) throws(ConfigError) {
        do { try set(key, value) } catch { throw ConfigError(origin, key: key, reason: error.reason) }
        origins[key] = origin
    }

    /// Sets one key (also used for command-line flags).
    public mutating func set(_ key: String, _ value: String) throws(ConfigValueError) {
        func number(_ range: ClosedRange<Double>) throws(ConfigValueError) -> Double {
            guard let v = Double(value), v.isFinite, range.contains(v) else {
                throw ConfigValueError(reason: "\"\(value)\" is not a number in \(range.lowerBound) ... \(range.upperBound)")
            }
            return v
        }
        switch key {
        case "sensor":
            guard let chip = EmulatedChip(rawValue: value) else { throw ConfigValueError(reason: "\"\(value)\" is not nau7802, ads1115 or ads1015") }
            sensor = chip
        case "bus": bus = value
        case "address":
            let digits = value.hasPrefix("0x") ? String(value.dropFirst(2)) : value
            guard let a = UInt8(digits, radix: 16), a < 0x78 else { throw ConfigValueError(reason: "\"\(value)\" is not a 7-bit address in hex") }
            address = a
        case "rate_hz": rateHz = try number(8...3300)
        case "drdy": drdy = value.isEmpty ? nil : try Self.line(value)
        case "calibration": calibration = value.isEmpty ? nil : value
        case "state_dir": stateDirectory = try Self.path(value)
        case "socket": socketPath = try Self.path(value)
        case "scale":
            do { scale = try PressureScale(parsing: value) } catch { throw ConfigValueError(reason: error.description) }
        case "start_n": holdRules.startN = value == "scale" ? nil : try number(0.1...8000)
        case "end_n": holdRules.endN = value == "scale" ? nil : try number(0...8000)
        case "max_dip_s": holdRules.maxDipS = try number(0...60)
        case "max_regrip_s": holdRules.maxRegripS = try number(0...60)
        case "min_hold_s": holdRules.minHoldS = try number(0...3600)
        case "cutoff_hz": cutoffHz = try number(0.1...1000)
        case "alarm_level": alarmLevel = try number(1...10)
        case "alarm_gpio": alarmGPIO = value.isEmpty ? nil : try Self.line(value)
        case "realtime_priority":
            realtimePriority = value == "off" ? nil : Int32(try number(1...99))
        case "cpu": cpu = value == "any" ? nil : Int(try number(0...1023))
        case "frame_hz": frameHz = try number(1...100)
        case "emulate_trace": emulateTrace = value.isEmpty ? nil : value
        case "emulate_speed": emulateSpeed = try number(0.1...1000)
        case "emulate_faults":
            do { emulateFaults = try FaultPlan(parsing: value) } catch { throw ConfigValueError(reason: error.description) }
        case "client": client = value.isEmpty ? nil : try SessionName.sanitisedClient(value)
        default: throw ConfigValueError(reason: "unknown key")
        }
    }

    /// Checks the keys together; names the first problem and where the key
    /// that caused it was set (file and line, or the flag).
    public func validated() throws(ConfigError) -> DaemonConfig {
        func fail(_ key: String, _ reason: String) -> ConfigError {
            ConfigError(origins[key] ?? .defaults, key: key, reason: reason)
        }
        do { _ = try holdRules.validated(); _ = try holdRules.thresholds(for: scale).validated() } catch {
            throw fail(Self.thresholdKey(error, setting: origins), "thresholds: \(error)")
        }
        if bus == "emulated" {
            guard emulateTrace != nil else { throw fail("bus", "bus = emulated needs emulate_trace") }
        } else if calibration == nil {
            throw fail("bus", "a real sensor needs calibration (run holdfast calibrate)")
        }
        // The chip's rate table and the filter design are checked here, not when the
        // daemon opens the sensor, so that the error can say where the value came from.
        let rate = rateHz ?? sensor.rates.max() ?? 0
        guard sensor.rates.contains(rate) else {
            func text(_ hz: Double) -> String { hz == hz.rounded() ? "\(Int(hz))" : "\(hz)" }  // 8 ... 3300: fits
            throw fail(rateHz == nil ? "sensor" : "rate_hz", "\(text(rate)) SPS is not one of the "
                       + "\(sensor.rawValue)'s rates (\(sensor.rates.map(text).joined(separator: ", ")))")
        }
        do { _ = try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: cutoffHz, sampleRateHz: rate) } catch {  // as SignalChain designs it
            throw fail(origins["cutoff_hz"] != nil || origins["rate_hz"] == nil ? "cutoff_hz" : "rate_hz", "\(error)")
        }
        return self
    }

    /// The key a threshold error is about.
    private static func thresholdKey(_ error: ThresholdError, setting origins: [String: ConfigOrigin]) -> String {
        switch error {
        case .outOfRange(let name, _):
            switch name {
            case "start force": "start_n"
            case "maximum dip": "max_dip_s"
            case let n where n.hasPrefix("maximum re-grip"): "max_regrip_s"
            default: "min_hold_s"
            }
        case .endNotBelowStart: origins["end_n"] == nil && origins["start_n"] != nil ? "start_n" : "end_n"
        }
    }

    static func line(_ value: String) throws(ConfigValueError) -> String {
        guard let colon = value.lastIndex(of: ":"), colon != value.startIndex, UInt32(value[value.index(after: colon)...]) != nil else {
            throw ConfigValueError(reason: "\"\(value)\" is not CHIP:OFFSET")
        }
        return value
    }

    static func path(_ value: String) throws(ConfigValueError) -> String {
        guard value.hasPrefix("/") || value.hasPrefix("."), !value.contains("\0") else {
            throw ConfigValueError(reason: "\"\(value)\" is not a path")
        }
        return value
    }
}

/// A value that is not acceptable for its key.
public struct ConfigValueError: Error, Equatable {
    public let reason: String
}

/// Where a configuration value came from.
public enum ConfigOrigin: Equatable, Sendable {
    /// A line of a configuration file.
    case file(String, line: Int)
    /// A command-line flag (`--rate-hz 320`).
    case flag(String)
    /// Nothing set it: the built-in default.
    case defaults
}

/// A configuration problem with its place. Its text is safe to print: control
/// characters from the file (a stray CR, an ESC) are shown escaped.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let origin: ConfigOrigin
    public let key: String
    public let reason: String

    public init(_ origin: ConfigOrigin, key: String, reason: String) {
        self.origin = origin
        self.key = key
        self.reason = reason
    }

    /// Bad flags are usage errors (exit 64); a bad file is bad input (exit 1).
    public var isUsageError: Bool {
        if case .flag = origin { return true }
        return false
    }

    public var description: String {
        let place = switch origin {
        case .file(let source, let line): "\(source):\(line): \(key)"
        case .flag(let flag): flag
        case .defaults: "configuration: \(key)"
        }
        return TerminalText.escaped("\(place): \(reason)", limit: 400)
    }
}
