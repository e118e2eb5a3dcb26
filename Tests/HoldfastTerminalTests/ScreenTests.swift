import HoldfastCore
@testable import HoldfastTerminal
import HoldfastProtocol
import Foundation
import Testing

@Suite("Watch screen")
struct ScreenTests {
    func live(force: Double, level: Double, zone: String, stage: String = "hold", hold: Double = 83, alarm: Bool = false) -> [String: Any] {
        ["type": "live", "t_s": 754.0, "force_n": force, "level": level, "zone": zone, "stage": stage, "hold_s": hold,
         "point": "upper trapezius L", "alarm": alarm, "sensor": ["status": "ok", "rate_hz": 320.0, "drops": 0, "errors": 0]]
    }

    func text(_ s: WatchState, width: Int = 80, height: Int = 24) -> [String] {
        Screen.render(s, width: width, height: height).lines.map(\.text)
    }

    @Test func showsPressureLevelTimerPointAndZoneInWords() {
        var s = WatchState()
        s.connected = true
        _ = s.apply(["type": "hello", "sensor": "NAU7802", "scale": PressureScale.standardText, "alarm_level": 9])
        _ = s.apply(live(force: 34.1, level: 6.35, zone: "target"))
        let lines = text(s)
        #expect(lines.count <= 24)
        #expect(lines.allSatisfy { $0.count <= 80 })
        let all = lines.joined(separator: "\n")
        #expect(all.contains("upper trapezius L"))
        #expect(all.contains("PRESSURE 34.1 N"))
        #expect(all.contains("LEVEL    6.4 / 10"))
        #expect(all.contains("TARGET 6-7"))
        #expect(all.contains("HOLD     01:23  hold"))
        #expect(all.contains("session 12:34"))
        // The level in large digits: the "6" glyph's first row, then the point, then "4".
        #expect(lines.contains { $0.contains("#####    #   #") })
    }

    /// What the daemon says about thresholds and recording reaches the therapist's screen:
    /// a note about the target zone, and a fault (in inverse) when nothing is being recorded.
    @Test func warningsAndRecordingFaultsAreShown() {
        var s = WatchState()
        s.connected = true
        let warning = "the target zone starts at 2.75 N, below the hold start force 5.00 N"
        _ = s.apply(["type": "hello", "sensor": "NAU7802", "scale": "0.5=1,5=10", "alarm_level": 9, "warning": warning])
        var frame = live(force: 3, level: 6, zone: "target")
        frame["warning"] = warning
        _ = s.apply(frame)
        #expect(text(s).contains { $0.contains("NOTE: the target zone starts at 2.75 N") })
        frame["fault"] = "NOT RECORDED: session file: write failed: No space left on device (errno 28); 2 records waiting"
        _ = s.apply(frame)
        let screen = Screen.render(s, width: 80, height: 24)
        let faultLine = screen.lines.first { $0.text.contains("FAULT: NOT RECORDED") }
        #expect(faultLine?.spans.allSatisfy { $0.style == .inverse } == true)
    }

    @Test func theAlarmIsAnInverseBannerAndRingsOncePerEpisode() {
        var s = WatchState()
        s.connected = true
        let first = s.apply(live(force: 52, level: 9.3, zone: "over", alarm: true))
        let again = s.apply(live(force: 53, level: 9.5, zone: "over", alarm: true))
        #expect(first)
        #expect(!again)  // same episode: no second bell
        let screen = Screen.render(s, width: 80, height: 24)
        let banner = screen.lines.first { $0.text.contains("OVER-PRESSURE") }
        #expect(banner?.spans.first?.style == .inverse)
        #expect(screen.lines.map(\.text).joined().contains("OVER 9-10 !"))
        _ = s.apply(live(force: 30, level: 5.7, zone: "target", alarm: false))
        let next = s.apply(live(force: 52, level: 9.3, zone: "over", alarm: true))
        #expect(next)  // a new episode rings again
    }

    @Test func holdsAccumulatePerPoint() {
        var s = WatchState()
        _ = s.apply(live(force: 30, level: 6, zone: "target"))
        _ = s.apply(["type": "hold", "point": "upper trapezius L", "hold_s": 60.0, "mean_level": 6.0, "over_s": 0.0])
        _ = s.apply(["type": "hold", "point": "upper trapezius L", "hold_s": 30.0, "mean_level": 7.5, "over_s": 2.0])
        let all = text(s).joined(separator: "\n")
        #expect(all.contains("this point: 2 holds, 01:30 total, mean level 6.5"))
        #expect(all.contains("last hold: 30.0 s at level 7.5 (over for 2.0 s)"))
    }

    @Test func aLostDaemonSaysSoAndErrorsShowInTheStatusLine() {
        var s = WatchState()
        s.socketPath = "/run/holdfast/holdfast.sock"
        s.connected = false
        #expect(text(s).joined().contains("DISCONNECTED: reconnecting to /run/holdfast/holdfast.sock"))
        s.connected = true
        _ = s.apply(["type": "reply", "ok": false, "error": "no session is open"])
        #expect(text(s).joined().contains("error: no session is open"))
    }

    @Test func fitsSmallAndLargeTerminals() {
        var s = WatchState()
        for f in stride(from: 0.0, to: 60, by: 0.5) { _ = s.apply(live(force: f, level: 5, zone: "below")) }
        for (w, h) in [(80, 24), (132, 50), (40, 20)] {
            let lines = text(s, width: w, height: h)
            #expect(lines.count <= h)
            #expect(lines.allSatisfy { $0.count <= max(40, w) })
        }
        // The graph draws the target band and the force.
        #expect(text(s).contains { $0.hasPrefix("target") })
        #expect(text(s).contains { $0.contains("#") && $0.hasPrefix("0 N") })
    }

    @Test func kilogramsWhenAsked() {
        var s = WatchState()
        s.unitsInKgf = true
        _ = s.apply(live(force: 98.0665, level: 10, zone: "over"))
        #expect(text(s).joined().contains("PRESSURE 10.0 kgf"))
    }
}

@Suite("Watch messages")
struct WatchMessageTests {
    /// JSON does not say whether 320 is an integer or a real: either must read as a number.
    @Test func numbersReadTheSameWhetherIntegralOrNot() {
        var s = WatchState()
        _ = s.apply(["type": "live", "force_n": 31, "level": 6, "hold_s": 12.5,
                     "sensor": ["rate_hz": 320, "drops": 0, "errors": 2, "status": "ok"] as [String: Any]])
        #expect(s.forceN == 31 && s.level == 6 && s.holdS == 12.5)
        #expect(s.rateHz == 320 && s.errors == 2)
        _ = s.apply(["type": "live", "force_n": 30.5, "sensor": ["rate_hz": 319.7] as [String: Any]])
        #expect(s.forceN == 30.5 && s.rateHz == 319.7)
    }

    /// Labels, errors and file names come from the daemon (and so from any client): never raw on the terminal.
    @Test func textFromTheDaemonIsShownEscaped() {
        var s = WatchState()
        s.connected = true
        var frame = ScreenTests().live(force: 30, level: 6, zone: "target")
        frame["point"] = "trap\u{1B}[2J"
        frame["fault"] = "disk \u{9B}31m"
        _ = s.apply(frame)
        _ = s.apply(["type": "hold", "point": "x\u{1B}]0;owned\u{07}", "hold_s": 30.0, "mean_level": 6.0, "peak_level": 7.0,
                     "target_s": 20.0, "over_s": 0.0])
        _ = s.apply(["type": "reply", "ok": false, "error": "no\rpe"])
        let lines = ScreenTests().text(s)
        #expect(!lines.contains(where: TerminalText.containsUnsafe))
        let screen = lines.joined(separator: "\n")
        #expect(screen.contains("trap\\x1b[2J"))
        #expect(s.totals.rows.first?.point == "x\\x1b]0;owned\\x07")
        _ = s.apply(["type": "reply", "ok": true, "file": "/s/\u{1B}c.jsonl"])
        #expect(!ScreenTests().text(s).contains(where: TerminalText.containsUnsafe))
    }

    /// Numbers from the daemon can be anything JSON allows: the screen never traps on them.
    @Test(arguments: [1e300, -1e300, 9.3e17, -1.0])
    func hugeNumbersAreShownNotTrappedOn(value: Double) {
        var s = WatchState()
        s.connected = true
        _ = s.apply(ScreenTests().live(force: value, level: value, zone: "over", hold: value))
        _ = s.apply(["type": "hold", "point": "A", "hold_s": value, "mean_level": value, "peak_level": value,
                     "target_s": value, "over_s": value])
        let lines = ScreenTests().text(s)
        #expect(lines.count <= 24)
        #expect(s.totals.isEmpty && s.status.hasPrefix("ignored a hold from the daemon: hold_s"), "\(s.status)")
    }
}

@Suite("Watch session end")
struct WatchSessionEndTests {
    @Test func aNewSessionShowsThePerPointTableOfTheLastOne() {
        var s = WatchState()
        _ = s.apply(["type": "hold", "point": "upper trapezius L", "hold_s": 60.0, "mean_level": 6.0, "over_s": 0.0])
        _ = s.apply(["type": "hold", "point": "masseter R", "hold_s": 45.0, "mean_level": 5.0, "over_s": 0.0])
        _ = s.apply(["type": "hold", "point": "upper trapezius L", "hold_s": 30.0, "mean_level": 7.5, "over_s": 0.0])
        _ = s.apply(["type": "reply", "ok": true, "file": "/var/lib/holdfast/sessions/x.jsonl"])
        let lines = Screen.render(s, width: 80, height: 24).lines.map(\.text)
        #expect(lines.contains { $0.contains("Session ended: per point") })
        let trapezius = lines.firstIndex { $0.contains("upper trapezius L") && $0.contains("01:30") }
        let masseter = lines.firstIndex { $0.contains("masseter R") && $0.contains("00:45") }
        #expect(trapezius != nil && masseter != nil)
        #expect((trapezius ?? 0) < (masseter ?? 0))  // in order of first hold
        // Mean level weighted by hold time: (60 × 6 + 30 × 7.5) / 90 = 6.5.
        #expect(lines.contains { $0.contains("upper trapezius L") && $0.contains("01:30") && $0.contains("6.5") })
        #expect(s.totals.isEmpty)
    }
}

@Suite("Watch: PPT and fading")
struct WatchPPTTests {
    func text(_ s: WatchState) -> String { Screen.render(s, width: 80, height: 24).lines.map(\.text).joined(separator: "\n") }

    @Test func theRampIsShownAgainstTheBandWhilePressing() {
        var s = WatchState()
        s.connected = true
        _ = s.apply(["type": "hello", "ppt_rate_n_s": 5, "ppt_tolerance": 0.4, "ppt_trials": 3])
        _ = s.apply(["type": "live", "force_n": 14.0, "level": 3, "stage": "ramp", "hold_s": 1.8, "ramp_n_s": 4.9, "point": "A"])
        #expect(text(s).contains("RAMP     4.9 N/s ok (3.0-7.0)"))
        _ = s.apply(["type": "live", "force_n": 20.0, "level": 4, "stage": "ramp", "hold_s": 1.0, "ramp_n_s": 8.2, "point": "A"])
        #expect(text(s).contains("8.2 N/s TOO FAST"))
        _ = s.apply(["type": "live", "force_n": 20.0, "level": 4, "stage": "hold", "hold_s": 3.0, "signalled": true, "point": "A"])
        #expect(text(s).contains("PPT      signalled: release"))
        #expect(!text(s).contains("RAMP"))
    }

    @Test func trialsCountTowardsThePointsThreshold() {
        var s = WatchState()
        s.connected = true
        _ = s.apply(["type": "live", "point": "A"])
        _ = s.apply(["type": "ppt", "point": "A", "force_n": 20.0, "rate_n_s": 5.1])
        _ = s.apply(["type": "ppt", "point": "A", "trial": 2, "force_n": 22.0, "rate_n_s": 4.8])
        _ = s.apply(["type": "ppt", "point": "A", "trial": 3, "force_n": 30.0, "rate_n_s": 9, "valid": false, "why": "ramp 9.0 N/s, outside 3.0-7.0 N/s"])
        let screen = text(s)
        #expect(screen.contains("PPT pre 21.0 N (2/3)  post - (0/3)"), "\(screen)")
        #expect(screen.contains("PPT pre 3: 30.0 N at 9.0 N/s NOT COUNTED: ramp 9.0 N/s, outside 3.0-7.0 N/s"), "\(screen)")
    }

    @Test func aFadingHoldIsAnnounced() {
        var s = WatchState()
        s.connected = true
        _ = s.apply(["type": "live", "force_n": 30.0, "level": 5.7, "stage": "hold", "hold_s": 40, "point": "A", "fading": true])
        #expect(text(s).contains("FADING"))
        _ = s.apply(["type": "live", "force_n": 34.0, "level": 6.3, "stage": "hold", "hold_s": 41, "point": "A"])
        #expect(!text(s).contains("FADING"))
    }
}

/// The tests write messages as the daemon's JSON would have them (only the fields they are about); this
/// fills in the rest with neutral values and decodes them through the protocol, as the watch does.
extension WatchState {
    mutating func apply(_ fields: [String: Any]) -> Bool {
        let type = fields["type"] as? String ?? ""
        var defaults: [String: Any] = [:]
        switch type {
        case "hello": defaults = ["protocol": 1, "sensor": "", "scale": PressureScale.standardText, "alarm_level": 9, "min_hold_s": 2, "start_n": 5, "end_n": 3]
        case "live":
            defaults = ["t_s": 0, "force_n": 0, "level": 1, "zone": "below", "stage": "idle", "hold_s": 0, "alarm": false]
            let sensor = ["rate_hz": 0, "drops": 0, "errors": 0, "gaps": 0, "polled": 0, "status": "ok"] as [String: Any]
            defaults["sensor"] = sensor.merging(fields["sensor"] as? [String: Any] ?? [:]) { $1 }
        case "hold":
            defaults = ["n": 1, "start_s": 0, "end_s": 0, "hold_s": 0, "mean_n": 0, "peak_n": 0, "mean_level": 0, "peak_level": 0,
                        "target_s": 0, "over_s": 0, "regrips": 0]
        case "ppt": defaults = ["phase": "pre", "trial": 1, "time_s": 0, "force_n": 0, "kpa": NSNull(), "rate_n_s": 5, "valid": true]
        case "alarm", "alarm_end": defaults = ["t_s": 0, "level": 9, "force_n": 50, "crossing_ns": 0, "sent_ns": 0]
        default: break
        }
        let all = defaults.merging(fields) { type == "live" && $0 is [String: Any] ? $0 : $1 }
        guard let data = try? JSONSerialization.data(withJSONObject: all),
              let message = try? DaemonMessage.decode(Array(data)) else {
            Issue.record("not a protocol message: \(all)")
            return false
        }
        return apply(message)
    }
}
