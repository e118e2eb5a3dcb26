import Foundation
import HoldfastConfig
import HoldfastCore
import HoldfastDaemon
import HoldfastSensors
import HoldfastSession
import HoldfastTestSupport
import Testing


@Suite("Configuration file")
struct ConfigFileTests {
    @Test func readsKeysAndComments() throws {
        var config = HoldfastSettings()
        try config.apply(fileText: """
            # Holdfast on the treatment-room Pi
            sensor = ads1115
            bus = /dev/i2c-1
            address = 0x49
            drdy = pinctrl-bcm2711:17   # ALERT/RDY
            calibration = /etc/holdfast/calibration.json
            alarm_level = 8.5
            scale = 5=1,60=10
            realtime_priority = off
            """, source: "holdfast.conf")
        #expect(config.sensor.chip == .ads1115)
        #expect(config.sensor.address == 0x49)
        #expect(config.sensor.dataReady == LineAddress(chip: "pinctrl-bcm2711", offset: 17))
        #expect(config.daemon.alarmLevel == 8.5)
        #expect(config.daemon.realtimePriority == nil)
        #expect(config.daemon.scale.points.count == 2)
        _ = try config.validated()
    }

    @Test(arguments: [
        ("wibble = 3", "holdfast.conf:1: wibble: unknown key"),
        ("sensor = hx711", "holdfast.conf:1: sensor: \"hx711\" is not nau7802"),
        ("\n\naddress = 0x99", "holdfast.conf:3: address: \"0x99\" is not a 7-bit address"),
        ("drdy = gpiochip0", "holdfast.conf:1: drdy: \"gpiochip0\" is not CHIP:OFFSET"),
        ("scale = 3=1,2=2", "holdfast.conf:1: scale: point 2"),
        ("state_dir = relative/path", "holdfast.conf:1: state_dir: \"relative/path\" is not a path"),
        ("just words", "holdfast.conf:1: just words: expected KEY = VALUE"),
    ])
    func errorsNameLineAndKey(text: String, expected: String) {
        var config = HoldfastSettings()
        do {
            try config.apply(fileText: text, source: "holdfast.conf")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func combinationsAreChecked() {
        var real = HoldfastSettings()
        real.sensor.bus = "/dev/i2c-1"
        #expect(throws: ConfigError(.defaults, key: "bus", reason: "a real sensor needs calibration (run holdfast calibrate)")) {
            try real.validated()
        }
        var emulated = HoldfastSettings()
        emulated.sensor.bus = "emulated"
        #expect(throws: ConfigError(.defaults, key: "bus", reason: "bus = emulated needs emulate_trace")) { try emulated.validated() }
    }

    /// The shipped file starts with a comment; saved by a Windows editor, every line ends in CRLF.
    @Test(arguments: ["\r\n", "\r", "\n"])
    func lineEndingsOfAnyEditorAreRead(ending: String) throws {
        let lines = ["# Holdfast on the treatment-room Pi", "sensor = ads1115", "alarm_level = 7", "client = jd42",
                     "bus = emulated", "emulate_trace = /tmp/t.csv"]
        var config = HoldfastSettings()
        try config.apply(fileText: "\u{FEFF}" + lines.joined(separator: ending) + ending, source: "holdfast.conf")
        #expect(config.sensor.chip == .ads1115)
        #expect(config.daemon.alarmLevel == 7)
        #expect(config.daemon.client == "jd42")
        #expect(config.sensor.emulateTrace == "/tmp/t.csv")
        var unknown = HoldfastSettings()
        do {
            try unknown.apply(fileText: (lines + ["wibble = 3"]).joined(separator: ending), source: "holdfast.conf")
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.description == "holdfast.conf:7: wibble: unknown key")
        }
    }

    @Test func errorMessagesCarryNoControlCharacters() {
        for text in ["sensor = ads1115\r\nalarm_level = 77\r\n", "alarm_level = \u{1B}[2J\n", "\u{1B}]0;owned\u{07} = 1"] {
            var config = HoldfastSettings()
            do {
                try config.apply(fileText: text, source: "holdfast.conf")
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(!TerminalText.containsUnsafe(error.description), "\(error.description.debugDescription)")
            }
        }
    }

    @Test func aHashStartsACommentOnlyAtTheStartOrAfterWhitespace() throws {
        var config = HoldfastSettings()
        try config.apply(fileText: "emulate_trace = /tmp/take#2.csv\nalarm_level = 7\t# firm\n  # indented comment\n",
                         source: "holdfast.conf")
        #expect(config.sensor.emulateTrace == "/tmp/take#2.csv")
        #expect(config.daemon.alarmLevel == 7)
        var client = HoldfastSettings()
        #expect(throws: ConfigError.self) { try client.apply(fileText: "client = ab#cd", source: "holdfast.conf") }
        #expect(client.daemon.client == nil)
    }

    /// The chip's rate table and the filter design are checked with the keys' places.
    @Test(arguments: [
        ("bus = emulated\nemulate_trace = t.csv\nsensor = ads1115\nrate_hz = 123\n",
         "holdfast.conf:4: rate_hz: 123 SPS is not one of the ads1115's rates"),
        ("bus = emulated\nemulate_trace = t.csv\nrate_hz = 10\ncutoff_hz = 10\n",
         "holdfast.conf:4: cutoff_hz: low-pass cutoff 10.0 Hz is out of range for 10.0 Hz"),
        ("bus = emulated\nemulate_trace = t.csv\nstart_n = 2\nend_n = 4\n", "holdfast.conf:4: end_n: thresholds: end force 4.0 N"),
        ("bus = emulated\nemulate_trace = t.csv\nppt_rate = 50kPa/s\n",
         "holdfast.conf:3: ppt_rate: a ppt rate in kPa/s needs the probe's area (probe_area_cm2)"),
        ("bus = emulated\nemulate_trace = t.csv\nppt_rate = 5\n", "holdfast.conf:3: ppt_rate: ppt rate \"5\" needs a unit"),
    ])
    func combinationsNameTheLine(text: String, expected: String) throws {
        var config = HoldfastSettings()
        try config.apply(fileText: text, source: "holdfast.conf")
        do {
            _ = try config.validated()
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    /// The PPT keys: a button's line, polarity and debounce; a ramp in kPa/s read with a probe area set
    /// after it; the band, trials and minimal detectable change. Bad values name their line.
    @Test func pptKeys() throws {
        var config = HoldfastSettings()
        try config.apply(fileText: """
            bus = emulated
            emulate_trace = t.csv
            ppt_button = gpiochip0:22
            ppt_button_active = high
            ppt_button_debounce_ms = 15
            ppt_rate = 40kPa/s
            ppt_rate_tolerance_pct = 25
            ppt_trials = 2
            probe_area_cm2 = 1.5
            mdc_pct = 15
            """, source: "holdfast.conf")
        let daemon = try config.validated().daemon
        #expect(daemon.pptButton == LineAddress(chip: "gpiochip0", offset: 22))
        #expect(daemon.pptButtonActiveLow == false)
        #expect(daemon.pptButtonDebounceMs == 15)
        #expect(daemon.ppt == PPTPolicy(rateNPerS: 6, tolerance: 0.25, trials: 2, probeAreaCm2: 1.5, mdcFraction: 0.15))
        for (text, expected) in [("ppt_button_active = middle", "holdfast.conf:1: ppt_button_active: \"middle\" is not low or high"),
                                 ("ppt_button = 22", "holdfast.conf:1: ppt_button: \"22\" is not CHIP:OFFSET"),
                                 ("ppt_trials = 0", "holdfast.conf:1: ppt_trials:")] {
            var bad = HoldfastSettings()
            #expect(throws: ConfigError.self, "\(text)") { try bad.apply(fileText: text, source: "holdfast.conf") }
            do { try bad.apply(fileText: text, source: "holdfast.conf") } catch {
                #expect(error.description.hasPrefix(expected), "\(error.description)")
            }
        }
    }

    @Test func flagsAreUsageErrors() throws {
        var config = HoldfastSettings()
        try config.apply(fileText: "bus = emulated\nemulate_trace = t.csv\n", source: "holdfast.conf")
        try config.set("rate_hz", "123", from: .flag("--rate-hz 123"))
        do { _ = try config.validated(); Issue.record("accepted") } catch {
            #expect(error.isUsageError)
            #expect(error.description.hasPrefix("--rate-hz 123: 123 SPS is not one of"))
        }
    }

    @Test func sessionNamesAreSafe() throws {
        #expect(SessionName.fileName(unixSeconds: 0, client: "jd42") == "19700101T000000Z-jd42.jsonl")
        #expect(SessionName.iso(unixSeconds: 1_795_000_000) == "2026-11-18T11:06:40Z")
        for bad in ["", "../x", "a/b", "name with space", String(repeating: "a", count: 33), "é"] {
            #expect(throws: ClientPseudonym.Invalid.self) { try ClientPseudonym.validated(bad) }
        }
    }
}

@Suite("Shipped configuration")
struct ShippedConfigurationTests {
    /// systemd/holdfast.conf is what scripts/install puts in /etc: it must parse.
    @Test func theDefaultConfigurationParses() throws {
        let path = repositoryRoot + "/systemd/holdfast.conf"
        var config = HoldfastSettings()
        try config.apply(fileText: try String(contentsOfFile: path, encoding: .utf8), source: path)
        #expect(config.sensor.dataReady == LineAddress(chip: "pinctrl-bcm2711", offset: 17))
        #expect(config.sensor.calibrationPath == "/etc/holdfast/calibration.json")
        _ = try config.validated()
    }
}


@Suite("Configuration keys")
struct ConfigKeysTests {
    /// Every key is declared once: the table in docs/daemon.md is the one the code prints.
    @Test func theDocumentationListsEveryKeyAsTheCodeDoes() throws {
        let docs = try String(contentsOfFile: repositoryRoot + "/docs/daemon.md", encoding: .utf8)
        #expect(docs.contains(ConfigKeys.markdownTable), "docs/daemon.md's key table differs from `holdfast daemon --keys`")
    }

    /// Each key's flag sets it as the file does.
    @Test func flagsAndFileKeysAreTheSame() throws {
        for key in ConfigKeys.all {
            #expect(ConfigKeys.flagged(key.flag)?.name == key.name)
            #expect(key.flag == "--" + key.name.replacingOccurrences(of: "_", with: "-"))
        }
        #expect(Set(ConfigKeys.all.map(\.name)).count == ConfigKeys.all.count)
    }
}
