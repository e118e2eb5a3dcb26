import HoldfastCore
import HoldfastSensors
import HoldfastSession

/// The lines the daemon sends to clients, built in one place. See docs/protocol.md.
enum Frames {
    static func reply(id: String?, error: String? = nil, _ fill: (inout JSONLine) -> Void = { _ in }) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "reply")
        if let id { line.field("id", id) }
        line.field("ok", error == nil)
        if let error { line.field("error", error) }
        fill(&line)
        return line.line()
    }

    static func notice(_ about: String, _ message: String, ok: Bool = true) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "notice")
        line.field("about", about)
        line.field("ok", ok)
        line.field("message", message)
        return line.line()
    }

    static func alarm(on: Bool, sessionTimeNs: Int64, level: Double, forceQ16: Int32, crossingNs: Int64, sentNs: Int64) -> [UInt8] {
        var line = JSONLine()
        line.field("type", on ? "alarm" : "alarm_end")
        line.field("t_s", nanoseconds: sessionTimeNs)
        line.field("level", level: level)
        line.field("force_n", q16: forceQ16)
        line.field("crossing_ns", Int(crossingNs))
        line.field("sent_ns", Int(sentNs))
        return line.line()
    }

    struct Hello {
        var sensor: String
        var scale: PressureScale
        var alarmLevel: Double
        var thresholds: HoldThresholds
        var warning: String?
    }

    static func hello(_ h: Hello) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "hello")
        line.field("protocol", 1)
        line.field("sensor", h.sensor)
        line.field("scale", h.scale.text)
        line.field("alarm_level", h.alarmLevel)
        line.field("min_hold_s", h.thresholds.minHoldS)
        line.field("start_n", scaled: Int64((h.thresholds.startN * 1000).rounded()), decimals: 3)
        line.field("end_n", scaled: Int64((h.thresholds.endN * 1000).rounded()), decimals: 3)
        if let warning = h.warning { line.field("warning", warning) }
        return line.line()
    }

    /// Everything a live frame shows, gathered by the event loop.
    struct Live {
        var id: String?
        var live: LiveState.Snapshot
        var acquisition: AcquisitionStatistics.Snapshot
        var sensorStatus: String
        var drops: Int
        var scale: PressureScale
        var minHoldS: Double
        var sessionTimeNs: Int64
        var point: String?
        var session: String?
        /// Why something is not being recorded, or the alarm output fails: shown by the watch as a fault.
        var faults: [String]
        var warning: String?
    }

    static func live(_ f: Live) -> [UInt8] {
        let live = f.live
        let level = f.scale.level(atForce: live.forceN)
        let heldNs = live.stage == .idle ? 0 : max(0, live.timeNs - live.contactStartNs)
        let stage: String = switch live.stage {
        case .idle: "idle"
        case .pressing: heldNs >= Int64(f.minHoldS * 1e9) ? "hold" : "ramp"
        case .dipping: "release"
        }
        var sensor = JSONLine()
        sensor.field("rate_hz", (f.acquisition.achievedRateHz * 10).rounded() / 10)
        sensor.field("drops", f.drops)
        sensor.field("errors", f.acquisition.errors)
        sensor.field("gaps", f.acquisition.gaps)
        sensor.field("polled", f.acquisition.polledSamples)
        sensor.field("status", f.sensorStatus)
        if let e = f.acquisition.lastError { sensor.field("last_error", e) }
        var line = JSONLine()
        line.field("type", "live")
        if let id = f.id { line.field("id", id) }
        line.field("t_s", nanoseconds: f.sessionTimeNs)
        line.field("force_n", scaled: Int64((live.forceN * 100).rounded()), decimals: 2)
        line.field("level", level: level)
        line.field("zone", Zone(level: level).name)
        line.field("stage", stage)
        line.field("hold_s", nanoseconds: heldNs)
        line.field("point", f.point)
        line.field("alarm", live.alarm)
        line.field("session", f.session)
        line.field("sensor", raw: sensor.object())
        if !f.faults.isEmpty { line.field("fault", f.faults.joined(separator: "; ")) }
        if let warning = f.warning { line.field("warning", warning) }
        return line.line()
    }
}

/// What the live status says about the sensor, from the acquisition's
/// current mode and how long ago the last sample came.
enum SensorStatus {
    /// No sample for this long: the sensor counts as disconnected.
    static let silentAfterNs: Int64 = 500_000_000

    static func describe(mode: AcquisitionMode, sinceLastSampleNs: Int64?) -> String {
        guard let since = sinceLastSampleNs, since <= silentAfterNs else { return "disconnected" }
        switch mode {
        case .starting: return "restarting"
        case .polling: return "polling"
        case .dataReady: return "ok"
        }
    }
}
