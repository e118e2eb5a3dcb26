import HoldfastCore
import HoldfastDaemon
import HoldfastEmulation
import HoldfastSensors
import HoldfastSession

/// Where the sensor is and how to read it: a chip on an I2C adapter, or
/// (`bus = emulated`) a trace played into an emulated chip in real time.
/// The command that starts the daemon opens it; the daemon only reads it.
public struct SensorSettings: Sendable {
    public var chip: SensorChip = .nau7802
    /// "/dev/i2c-1", or "emulated".
    public var bus = "/dev/i2c-1"
    public var address: UInt8?
    /// The chip's conversion rate; nil: the fastest it has (320, 860, 3300 SPS).
    public var rateHz: Double?
    /// The data-ready line; nil polls.
    public var dataReady: LineAddress?
    /// Sensor calibration file (from `holdfast calibrate`); required for a real bus.
    public var calibrationPath: String?
    /// For `bus = emulated`: the trace played as the force, how much faster than real time, and faults.
    public var emulateTrace: String?
    public var emulateSpeed = 1.0
    public var emulateFaults = FaultPlan()

    public var isEmulated: Bool { bus == "emulated" }

    public init() {}
}

/// Everything `holdfast daemon` is configured with, from
/// /etc/holdfast/holdfast.conf (`key = value` lines, `#` comments) and flags
/// (`--key-name value`), through one table of keys (``ConfigKeys``) that also
/// writes the documentation.
public struct HoldfastSettings: Sendable {
    public var daemon = DaemonConfig()
    public var sensor = SensorSettings()
    /// `ppt_rate` as given: in kPa/s it depends on `probe_area_cm2`, which may come later.
    public var pptRateText: String?

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
        let entries: [TextLines.KeyValue]
        do { entries = try TextLines.keyValues(text) } catch {
            throw ConfigError(.file(source, line: error.line), key: error.text, reason: "expected KEY = VALUE")
        }
        for entry in entries { try set(entry.key, entry.value, from: .file(source, line: entry.line)) }
    }

    /// Sets one key and remembers where it came from; the error names that place.
    public mutating func set(_ key: String, _ value: String, from origin: ConfigOrigin) throws(ConfigError) {
        do { try set(key, value) } catch { throw ConfigError(origin, key: key, reason: error.reason) }
        origins[key] = origin
    }

    /// Sets one key by the table.
    public mutating func set(_ key: String, _ value: String) throws(ConfigValueError) {
        guard let entry = ConfigKeys.named(key) else { throw ConfigValueError(reason: "unknown key") }
        try entry.apply(&self, value)
    }

    /// Checks the keys together; names the first problem and where the key
    /// that caused it was set (file and line, or the flag).
    public func validated() throws(ConfigError) -> HoldfastSettings {
        func fail(_ key: String, _ reason: String) -> ConfigError {
            ConfigError(origins[key] ?? .defaults, key: key, reason: reason)
        }
        var result = self
        if let text = pptRateText {
            do { result.daemon.ppt.rateNPerS = try PPTPolicy.rate(parsing: text, probeAreaCm2: daemon.ppt.probeAreaCm2) }
            catch { throw fail("ppt_rate", error.description) }
        }
        do { _ = try result.daemon.ppt.validated() } catch { throw fail("ppt_rate", error.description) }
        let rules = daemon.holdRules
        do { _ = try rules.validated(); _ = try rules.thresholds(for: daemon.scale).validated() } catch {
            throw fail(Self.thresholdKey(error, setting: origins), "thresholds: \(error)")
        }
        if sensor.isEmulated {
            guard sensor.emulateTrace != nil else { throw fail("bus", "bus = emulated needs emulate_trace") }
        } else if sensor.calibrationPath == nil {
            throw fail("bus", "a real sensor needs calibration (run holdfast calibrate)")
        }
        // The chip's rate table and the filter design are checked here, not when the
        // sensor is opened, so that the error can say where the value came from.
        let chip = sensor.chip
        let rate = sensor.rateHz ?? chip.rates.max() ?? 0
        guard chip.rates.contains(rate) else {
            func text(_ hz: Double) -> String { hz == hz.rounded() ? "\(Int(hz))" : "\(hz)" }  // 8 ... 3300: fits
            throw fail(sensor.rateHz == nil ? "sensor" : "rate_hz", "\(text(rate)) SPS is not one of the "
                       + "\(chip.rawValue)'s rates (\(chip.rates.map(text).joined(separator: ", ")))")
        }
        do { _ = try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: daemon.cutoffHz, sampleRateHz: rate) } catch {
            throw fail(origins["cutoff_hz"] != nil || origins["rate_hz"] == nil ? "cutoff_hz" : "rate_hz", "\(error)")
        }
        return result
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
}
