import HoldfastCore
import HoldfastJSON

/// Everything the therapist's screen shows, built from the daemon's messages.
/// A value: the screen is a pure function of it.
public struct WatchState: Sendable {
    public var connected = false
    public var socketPath = ""
    public var scale = PressureScale.standard
    // From the latest live frame.
    public var forceN = 0.0
    public var level = 1.0
    public var zone = "below"
    public var stage = "idle"
    public var holdS = 0.0
    public var point: String?
    public var alarm = false
    public var sessionS = 0.0
    public var sensorStatus = "ok"
    public var rateHz = 0.0
    public var drops = 0
    public var errors = 0
    public var fault: String?
    /// The daemon's warning about the hold thresholds and the client's scale (target zone too close to the start force).
    public var warning: String?
    /// The last 30 s of force, one value per frame.
    public var history: [Double] = []
    public var historyCapacity = 750
    public var totals = PointTable()
    public var lastHold: String?
    public var status = ""
    public var recentPoints: [String] = []
    /// The per-point table of the session that just ended, shown until a key is pressed.
    public var endedSession: PointTable?

    public init() {}

    public var unitsInKgf = false

    /// Applies one message from the daemon. Returns true when an alarm episode starts (ring the bell once).
    /// Text from the daemon (labels, errors, file names) is kept escaped (see `TerminalText`): a label
    /// or error carrying ESC must not drive the therapist's terminal.
    public mutating func apply(_ m: [String: Any]) -> Bool {
        func d(_ key: String) -> Double { m.number(key).flatMap { $0.isFinite ? $0 : nil } ?? 0 }
        func text(_ key: String) -> String? { (m[key] as? String).map { TerminalText.escaped($0, limit: 400) } }
        switch m["type"] as? String {
        case "hello":
            if let text = m["scale"] as? String, let s = try? PressureScale(parsing: text) { scale = s }
            warning = text("warning")
        case "live":
            forceN = d("force_n")
            level = d("level")
            zone = text("zone") ?? "below"
            stage = text("stage") ?? "idle"
            holdS = d("hold_s")
            point = text("point")
            sessionS = d("t_s")
            fault = text("fault")
            warning = text("warning")
            let sensor = m["sensor"] as? [String: Any] ?? [:]
            sensorStatus = (sensor["status"] as? String).map { TerminalText.escaped($0, limit: 40) } ?? "?"
            rateHz = sensor.number("rate_hz").flatMap { $0.isFinite ? $0 : nil } ?? 0
            drops = sensor["drops"] as? Int ?? 0
            errors = sensor["errors"] as? Int ?? 0
            let wasAlarm = alarm
            alarm = m["alarm"] as? Bool ?? false
            history.append(forceN)
            if history.count > historyCapacity { history.removeFirst(history.count - historyCapacity) }
            return alarm && !wasAlarm
        case "hold":
            do {
                try totals.add(point: text("point"), holdS: d("hold_s"), meanLevel: d("mean_level"), peakLevel: d("peak_level"),
                               targetS: d("target_s"), overS: d("over_s"))
            } catch {
                status = "ignored a hold from the daemon: \(error)"
                return false
            }
            lastHold = String(format1: d("hold_s")) + " s at level " + String(format1: d("mean_level"))
                + (d("over_s") > 0 ? " (over for " + String(format1: d("over_s")) + " s)" : "")
        case "alarm":
            let wasAlarm = alarm
            alarm = true
            return !wasAlarm
        case "alarm_end":
            alarm = false
        case "reply":
            if m["ok"] as? Bool == false {
                status = "error: " + (text("error") ?? "?")
            } else if let scaleText = m["scale"] as? String, let s = try? PressureScale(parsing: scaleText) {
                scale = s
                status = "scale updated: " + TerminalText.escaped(scaleText, limit: 200)
            } else if let file = text("file") {
                status = "session: " + file
                endSession()
            } else if let p = text("point") {
                status = "point: " + p
            }
        case "notice":
            status = (text("about") ?? "") + ": " + (text("message") ?? "")
        default:
            break
        }
        return false
    }

    /// Keeps the finished session's per-point table for display and starts afresh.
    public mutating func endSession() {
        if !totals.isEmpty { endedSession = totals }
        totals = PointTable()
        lastHold = nil
    }

    public mutating func remember(point: String) {
        recentPoints.removeAll { $0 == point }
        recentPoints.insert(point, at: 0)
        if recentPoints.count > 5 { recentPoints.removeLast() }
    }
}

extension String {
    /// One decimal, without Foundation; never traps ("inf" for what no Int64 holds).
    init(format1 v: Double) {
        self = DecimalText.fixed(v, decimals: 1)
    }
}
