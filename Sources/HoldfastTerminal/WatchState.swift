import HoldfastCore
import HoldfastProtocol
import HoldfastSession

/// Everything the therapist's screen shows, built from the daemon's messages.
/// A value: the screen is a pure function of it.
public struct WatchState: Sendable {
    public var connected = false
    public var socketPath = ""
    public var scale = PressureScale.standard
    // From the latest live frame.
    public var forceN = 0.0
    public var level = 1.0
    public var zone = Zone.below
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
    /// PPT: the ramp asked for and its band (from the hello), trials per phase, the ramp of the press in
    /// progress, whether it has the client's signal, and the trials so far per point.
    public var pptBand: ClosedRange<Double> = 3...7
    public var pptTrials = 3
    public var rampNS: Double?
    public var signalled = false
    /// The hold is losing pressure and leaving the target zone.
    public var fading = false
    public var trials: [String?: (pre: [PPTLine], post: [PPTLine])] = [:]
    public var lastTrial: String?

    public init() {}

    public var unitsInKgf = false

    /// Applies one message from the daemon. Returns true when an alarm episode starts (ring the bell once).
    /// Text from the daemon (labels, errors, file names) is kept escaped (see `TerminalText`): a label
    /// or error carrying ESC must not drive the therapist's terminal.
    public mutating func apply(_ message: DaemonMessage) -> Bool {
        func finite(_ v: Double) -> Double { v.isFinite ? v : 0 }
        func text(_ s: String?, limit: Int = 400) -> String? { s.map { TerminalText.escaped($0, limit: limit) } }
        switch message {
        case .hello(let h):
            if let s = try? PressureScale(parsing: h.scale) { scale = s }
            warning = text(h.warning)
            if let rate = h.pptRateNS, let tolerance = h.pptTolerance, rate.isFinite, tolerance.isFinite, rate > 0,
               tolerance > 0, tolerance < 1 {
                pptBand = rate * (1 - tolerance)...rate * (1 + tolerance)
            }
            if let n = h.pptTrials, (1...20).contains(n) { pptTrials = n }
        case .live(let f):
            forceN = finite(f.forceN)
            level = finite(f.level)
            zone = Zone(rawValue: f.zone) ?? .below
            stage = text(f.stage, limit: 20) ?? "idle"
            holdS = finite(f.holdS)
            point = text(f.point)
            sessionS = finite(f.tS)
            fault = text(f.fault)
            warning = text(f.warning)
            sensorStatus = text(f.sensor.status, limit: 40) ?? "?"
            rateHz = finite(f.sensor.rateHz)
            drops = f.sensor.drops
            errors = f.sensor.errors
            rampNS = f.rampNS.flatMap { $0.isFinite ? $0 : nil }
            signalled = f.signalled ?? false
            fading = f.fading ?? false
            let wasAlarm = alarm
            alarm = f.alarm
            history.append(forceN)
            if history.count > historyCapacity { history.removeFirst(history.count - historyCapacity) }
            return alarm && !wasAlarm
        case .hold(let h):
            do {
                try totals.add(point: text(h.point), holdS: finite(h.holdS), meanLevel: finite(h.meanLevel),
                               peakLevel: finite(h.peakLevel), targetS: finite(h.targetS), overS: finite(h.overS))
            } catch {
                status = "ignored a hold from the daemon: \(error)"
                return false
            }
            lastHold = String(format1: h.holdS) + " s at level " + String(format1: h.meanLevel)
                + (h.overS > 0 ? " (over for " + String(format1: h.overS) + " s)" : "")
                + (h.sagPct.map { $0.isFinite && abs($0) >= 5 ? ", sag " + String(format1: $0) + " %" : "" } ?? "")
        case .ppt(let p):
            let point = text(p.point)
            var list = trials[point] ?? ([], [])
            if p.phase == .pre { list.pre.append(p) } else { list.post.append(p) }
            trials[point] = list
            lastTrial = "PPT \(p.phase.rawValue) \(p.trial): " + String(format1: finite(p.forceN)) + " N at "
                + String(format1: finite(p.rateNS)) + " N/s" + (p.valid ? "" : " NOT COUNTED: " + (text(p.why, limit: 80) ?? "?"))
            status = lastTrial ?? ""  // the verdict where the therapist looks after a release
        case .alarm(let a):
            let wasAlarm = alarm
            alarm = a.on
            return a.on && !wasAlarm
        case .reply(let r):
            if !r.ok {
                status = "error: " + (text(r.error) ?? "?")
            } else if let scaleText = r.scale, let s = try? PressureScale(parsing: scaleText) {
                scale = s
                status = "scale updated: " + TerminalText.escaped(scaleText, limit: 200)
            } else if let file = text(r.file) {
                status = "session: " + file
                endSession()
            } else if let p = text(r.point) {
                status = "point: " + p
            } else if let m = text(r.message) {
                status = m
            }
        case .notice(let n):
            status = (text(n.about) ?? "") + ": " + (text(n.message) ?? "")
        }
        return false
    }

    /// Keeps the finished session's per-point table for display and starts afresh.
    public mutating func endSession() {
        if !totals.isEmpty { endedSession = totals }
        totals = PointTable()
        lastHold = nil
        trials = [:]
        lastTrial = nil
    }

    public mutating func remember(point: String) {
        recentPoints.removeAll { $0 == point }
        recentPoints.insert(point, at: 0)
        if recentPoints.count > 5 { recentPoints.removeLast() }
    }
}

extension WatchState {
    /// This point's thresholds so far: the mean of each phase's valid trials and how many there are.
    public func pptLine(for point: String?) -> String {
        guard let t = trials[point] else { return "PPT: no trials yet" }
        func phase(_ name: String, _ list: [PPTLine]) -> String {
            let valid = list.filter(\.valid).map(\.forceN)
            let mean = valid.isEmpty ? "-" : String(format1: valid.reduce(0, +) / Double(valid.count)) + " N"
            return name + " " + mean + " (\(valid.count)/\(pptTrials))"
        }
        return "PPT " + phase("pre", t.pre) + "  " + phase("post", t.post)
    }

    /// The ramp in progress against the band: what the therapist steers by.
    public var rampText: String? {
        guard let r = rampNS else { return nil }
        let verdict = r < pptBand.lowerBound ? "TOO SLOW" : r > pptBand.upperBound ? "TOO FAST" : "ok"
        return "RAMP     " + String(format1: r) + " N/s " + verdict + " (" + String(format1: pptBand.lowerBound) + "-"
            + String(format1: pptBand.upperBound) + ")"
    }
}

extension String {
    /// One decimal, without Foundation; never traps ("inf" for what no Int64 holds).
    init(format1 v: Double) {
        self = DecimalText.fixed(v, decimals: 1)
    }
}
