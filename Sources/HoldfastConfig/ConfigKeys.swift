import HoldfastCore
import HoldfastDaemon
import HoldfastEmulation
import HoldfastSensors

/// One configuration key, declared once: the file parser, the daemon's
/// flags (`--key-name VALUE`), `holdfast daemon --keys` and the table in
/// docs/daemon.md all come from this.
public struct ConfigKey: Sendable {
    public let name: String
    /// What its value looks like, for the flag's help (`LEVEL`, `CHIP:OFFSET`).
    public let value: String
    /// The default, as the documentation shows it (markdown).
    public let defaultText: String
    public let meaning: String
    let apply: @Sendable (inout HoldfastSettings, String) throws(ConfigValueError) -> Void

    /// The flag that sets it.
    public var flag: String { "--" + name.replacing("_", with: "-") }
}

/// Every key `holdfast.conf` and `holdfast daemon` take, in the order the documentation lists them.
public enum ConfigKeys {
    public static let all: [ConfigKey] = [
        key("sensor", "CHIP", "`nau7802`", "`nau7802`, `ads1115` or `ads1015`") { s, v throws(ConfigValueError) in
            guard let chip = SensorChip(rawValue: v) else { throw ConfigValueError(reason: "\"\(v)\" is not nau7802, ads1115 or ads1015") }
            s.sensor.chip = chip
        },
        key("bus", "PATH", "`/dev/i2c-1`", "the I2C adapter, or `emulated`") { s, v throws(ConfigValueError) in s.sensor.bus = v },
        key("address", "HEX", "chip's default", "7-bit address in hex (`0x2A`, `0x48`–`0x4B`)") { s, v throws(ConfigValueError) in
            let digits = v.hasPrefix("0x") ? String(v.dropFirst(2)) : v
            guard let a = UInt8(digits, radix: 16), a < 0x78 else { throw ConfigValueError(reason: "\"\(v)\" is not a 7-bit address in hex") }
            s.sensor.address = a
        },
        key("rate_hz", "SPS", "chip's fastest", "conversion rate from the chip's table") { s, v throws(ConfigValueError) in
            s.sensor.rateHz = try number(v, 8...3300)
        },
        key("drdy", "CHIP:OFFSET", "none (poll)", "data-ready line; CHIP is a gpiochip label or path") { s, v throws(ConfigValueError) in
            s.sensor.dataReady = v.isEmpty ? nil : try line(v)
        },
        key("calibration", "PATH", "—",
            "calibration file from `holdfast calibrate` (required for a real bus; refused if made for another sensor)") {
            s, v throws(ConfigValueError) in s.sensor.calibrationPath = v.isEmpty ? nil : v
        },
        key("state_dir", "PATH", "`/var/lib/holdfast/sessions`", "session files (directory 0750, files 0640)") { s, v throws(ConfigValueError) in
            s.daemon.stateDirectory = try path(v)
        },
        key("socket", "PATH", "`/run/holdfast/holdfast.sock`", "control socket (0660), owned through `PATH.lock`") {
            s, v throws(ConfigValueError) in s.daemon.socketPath = try path(v)
        },
        key("scale", "N=L,…", "`3=1,8=2,…,55=10`", "the client's 1–10 scale, `NEWTONS=LEVEL`") { s, v throws(ConfigValueError) in
            do throws(ScaleError) { s.daemon.scale = try PressureScale(parsing: v) } catch { throw ConfigValueError(reason: error.description) }
        },
        key("start_n", "N|scale", "`scale`",
            "force at which a hold starts; `scale`: the force of level 1.4 on the client's scale, at most 5 N. It follows "
            + "the scale as the client rates pressures; the log and the watch warn when the target zone lies below or within 1 N of it") {
            s, v throws(ConfigValueError) in s.daemon.holdRules.startN = v == "scale" ? nil : try number(v, 0.1...8000)
        },
        key("end_n", "N|scale", "`scale`", "force at which a hold ends; `scale`: the force of level 1.0, at most 3 N") {
            s, v throws(ConfigValueError) in s.daemon.holdRules.endN = v == "scale" ? nil : try number(v, 0...8000)
        },
        key("max_dip_s", "S", "0.3", "a dip toward zero (below half the end force) shorter than this does not end a hold") {
            s, v throws(ConfigValueError) in s.daemon.holdRules.maxDipS = try number(v, 0...60)
        },
        key("max_regrip_s", "S", "1",
            "a re-grip (a dip that stays above half the end force) shorter than this does not end a hold; also the longest "
            + "gap in the samples a hold survives") {
            s, v throws(ConfigValueError) in s.daemon.holdRules.maxRegripS = try number(v, 0...60)
        },
        key("min_hold_s", "S", "2", "shorter contacts are touches") { s, v throws(ConfigValueError) in
            s.daemon.holdRules.minHoldS = try number(v, 0...3600)
        },
        key("cutoff_hz", "HZ", "2.2",
            "low-pass −3 dB frequency (critically damped, second order): keeps 8–12 Hz tremor out of the numbers; the alarm "
            + "then fires about 0.1 s after the force crosses its level on a 10 N/s ramp (logged at start)") {
            s, v throws(ConfigValueError) in s.daemon.cutoffHz = try number(v, 0.1...1000)
        },
        key("alarm_level", "LEVEL", "9", "over-pressure alarm level") { s, v throws(ConfigValueError) in
            s.daemon.alarmLevel = try number(v, 1...10)
        },
        key("alarm_gpio", "CHIP:OFFSET", "none", "buzzer or LED output, on while the alarm is") { s, v throws(ConfigValueError) in
            s.daemon.alarmGPIO = v.isEmpty ? nil : try line(v)
        },
        key("realtime_priority", "1-99|off", "50", "SCHED_FIFO priority of the acquisition thread, or `off`") {
            s, v throws(ConfigValueError) in s.daemon.realtimePriority = v == "off" ? nil : Int32(try number(v, 1...99))
        },
        key("cpu", "N|any", "any", "pin the acquisition thread to this CPU") { s, v throws(ConfigValueError) in
            s.daemon.cpu = v == "any" ? nil : Int(try number(v, 0...1023))
        },
        key("frame_hz", "HZ", "25", "live frames per second on the socket") { s, v throws(ConfigValueError) in
            s.daemon.frameHz = try number(v, 1...100)
        },
        key("emulate_trace", "PATH", "—", "with `bus = emulated`: the trace (CSV) played as the force") { s, v throws(ConfigValueError) in
            s.sensor.emulateTrace = v.isEmpty ? nil : v
        },
        key("emulate_speed", "X", "1", "how much faster than real time to play it") { s, v throws(ConfigValueError) in
            s.sensor.emulateSpeed = try number(v, 0.1...1000)
        },
        key("emulate_faults", "PLAN", "—",
            "faults injected into the emulated chip, in seconds of the trace: "
            + "`vanish@14+2,nack@30+0.1,stuck@40+1,saturate@50+0.5,latency=300us`") { s, v throws(ConfigValueError) in
            do throws(FaultPlanError) { s.sensor.emulateFaults = try FaultPlan(parsing: v) } catch { throw ConfigValueError(reason: error.description) }
        },
        key("ppt_button", "CHIP:OFFSET", "none",
            "a push button or foot pedal the client presses at the first pain (a PPT trial's signal); both edges, debounced") {
            s, v throws(ConfigValueError) in s.daemon.pptButton = v.isEmpty ? nil : try line(v)
        },
        key("ppt_button_active", "low|high", "`low`", "the level while pressed (`low`: a button to ground with a pull-up)") {
            s, v throws(ConfigValueError) in
            guard v == "low" || v == "high" else { throw ConfigValueError(reason: "\"\(v)\" is not low or high") }
            s.daemon.pptButtonActiveLow = v == "low"
        },
        key("ppt_button_debounce_ms", "MS", "30", "edges closer than this after another are the contact bouncing") {
            s, v throws(ConfigValueError) in s.daemon.pptButtonDebounceMs = try number(v, 1...1000)
        },
        key("ppt_rate", "RATE", "`5N/s`",
            "the PPT ramp asked for, in `N/s` or `kPa/s` (kPa/s needs `probe_area_cm2`); 50 kPa/s on 1 cm² is 5 N/s") {
            s, v throws(ConfigValueError) in s.pptRateText = v
        },
        key("ppt_rate_tolerance_pct", "PCT", "40", "a trial whose ramp strays further from `ppt_rate` is recorded as not valid") {
            s, v throws(ConfigValueError) in s.daemon.ppt.tolerance = try number(v, 1...99) / 100
        },
        key("ppt_trials", "N", "3", "PPT trials per point and phase (pre, post); the point's threshold is the mean of the valid ones") {
            s, v throws(ConfigValueError) in s.daemon.ppt.trials = Int(try number(v, 1...20))
        },
        key("probe_area_cm2", "CM2|none", "none", "the probe's contact area: thresholds also in kPa") {
            s, v throws(ConfigValueError) in s.daemon.ppt.probeAreaCm2 = v == "none" ? nil : try number(v, 0.01...100)
        },
        key("mdc_pct", "PCT", "20", "minimal detectable change of a PPT: a smaller change between pre and post is not a change") {
            s, v throws(ConfigValueError) in s.daemon.ppt.mdcFraction = try number(v, 1...500) / 100
        },
        key("client", "PSEUDONYM", "none", "pseudonym for the first session's file name") { s, v throws(ConfigValueError) in
            do throws(ClientPseudonym.Invalid) { s.daemon.client = v.isEmpty ? nil : try ClientPseudonym.validated(v) } catch { throw ConfigValueError(reason: error.reason) }
        },
    ]

    public static func named(_ name: String) -> ConfigKey? { all.first { $0.name == name } }

    /// The key a flag sets (`--rate-hz` → `rate_hz`).
    public static func flagged(_ flag: String) -> ConfigKey? { all.first { $0.flag == flag } }

    /// The table in docs/daemon.md (a test keeps the two the same).
    public static var markdownTable: String {
        var out = "| key | default | meaning |\n|---|---|---|\n"
        for k in all { out += "| `\(k.name)` | \(k.defaultText) | \(k.meaning) |\n" }
        return out
    }

    private static func key(_ name: String, _ value: String, _ defaultText: String, _ meaning: String,
                            _ apply: @escaping @Sendable (inout HoldfastSettings, String) throws(ConfigValueError) -> Void) -> ConfigKey {
        ConfigKey(name: name, value: value, defaultText: defaultText, meaning: meaning, apply: apply)
    }

    static func number(_ value: String, _ range: ClosedRange<Double>) throws(ConfigValueError) -> Double {
        guard let v = Double(value), v.isFinite, range.contains(v) else {
            throw ConfigValueError(reason: "\"\(value)\" is not a number in \(range.lowerBound) ... \(range.upperBound)")
        }
        return v
    }

    static func line(_ value: String) throws(ConfigValueError) -> LineAddress {
        guard let address = LineAddress(parsing: value) else { throw ConfigValueError(reason: "\"\(value)\" is not CHIP:OFFSET") }
        return address
    }

    static func path(_ value: String) throws(ConfigValueError) -> String {
        guard value.hasPrefix("/") || value.hasPrefix("."), !value.contains("\0") else {
            throw ConfigValueError(reason: "\"\(value)\" is not a path")
        }
        return value
    }
}
