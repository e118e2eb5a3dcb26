import FoundationEssentials
import HoldfastSession

/// What the daemon sends on its control socket, typed: the daemon encodes
/// these and every client (the watch, `holdfast send`, the label feeder,
/// tests) decodes them, so writer and reader cannot drift apart. One JSON
/// object a line, its kind in `"type"`. See docs/protocol.md.
public enum DaemonMessage: Sendable, Equatable {
    case hello(Hello)
    case live(LiveFrame)
    /// A hold, on disk (or a second late on a failing disk): the session file's record.
    case hold(HoldLine)
    /// A PPT trial, on disk likewise: the session file's record.
    case ppt(PPTLine)
    /// The over-pressure alarm went on (`on`) or off.
    case alarm(Alarm)
    case notice(Notice)
    case reply(Reply)

    /// Sent once, on connect.
    public struct Hello: Codable, Sendable, Equatable {
        public var `protocol` = 1
        public var sensor: String
        public var scale: String
        public var alarmLevel: Double
        public var minHoldS: Double
        /// The hold thresholds in force (they follow the client's scale unless fixed).
        public var startN: Double
        public var endN: Double
        /// Only when the target zone lies below or within 1 N of the start force.
        public var warning: String?
        /// The PPT ramp asked for (N/s) and how far it may stray (a fraction), trials per point and phase,
        /// the probe's area (cm²) if known. Absent from daemons before PPT trials.
        public var pptRateNS: Double?
        public var pptTolerance: Double?
        public var pptTrials: Int?
        public var probeAreaCm2: Double?

        public init(sensor: String, scale: String, alarmLevel: Double, minHoldS: Double, startN: Double, endN: Double,
                    warning: String?, pptRateNS: Double? = nil, pptTolerance: Double? = nil, pptTrials: Int? = nil,
                    probeAreaCm2: Double? = nil) {
            self.pptRateNS = pptRateNS
            self.pptTolerance = pptTolerance
            self.pptTrials = pptTrials
            self.probeAreaCm2 = probeAreaCm2
            self.sensor = sensor
            self.scale = scale
            self.alarmLevel = alarmLevel
            self.minHoldS = minHoldS
            self.startN = startN
            self.endN = endN
            self.warning = warning
        }

        enum CodingKeys: String, CodingKey {
            case `protocol`, sensor, scale, warning
            case alarmLevel = "alarm_level", minHoldS = "min_hold_s", startN = "start_n", endN = "end_n"
            case pptRateNS = "ppt_rate_n_s", pptTolerance = "ppt_tolerance", pptTrials = "ppt_trials"
            case probeAreaCm2 = "probe_area_cm2"
        }
    }

    /// `frame_hz` times a second, and in reply to `status` (then with the command's `id`).
    public struct LiveFrame: Codable, Sendable, Equatable {
        public var id: String?
        /// Seconds since the session started (or on the sensor's clock, without a session).
        public var tS: Double
        public var forceN: Double
        public var level: Double
        /// `below`, `target` (6–7), `caution` (8), `over` (9–10).
        public var zone: String
        /// `idle`, `ramp` (pressing, not yet a hold), `hold`, `release` (a dip).
        public var stage: String
        /// Time since the contact began.
        public var holdS: Double
        public var point: String?
        public var alarm: Bool
        /// The session file.
        public var session: String?
        public var sensor: SensorStatus
        /// Only while something is wrong that the therapist must see (not recording, a failing alarm output).
        public var fault: String?
        public var warning: String?
        /// While pressing, before the client's signal: the mean slope since the onset (N/s), the ramp a PPT trial would record.
        public var rampNS: Double?
        /// The press in progress has the client's signal: it is a PPT trial.
        public var signalled: Bool?
        /// The hold is fading: more than 10 % below the level it established, and leaving the target zone.
        public var fading: Bool?

        public init(id: String? = nil, tS: Double, forceN: Double, level: Double, zone: String, stage: String, holdS: Double,
                    point: String?, alarm: Bool, session: String?, sensor: SensorStatus, fault: String?, warning: String?,
                    rampNS: Double? = nil, signalled: Bool? = nil, fading: Bool? = nil) {
            self.rampNS = rampNS
            self.signalled = signalled
            self.fading = fading
            self.id = id
            self.tS = tS
            self.forceN = forceN
            self.level = level
            self.zone = zone
            self.stage = stage
            self.holdS = holdS
            self.point = point
            self.alarm = alarm
            self.session = session
            self.sensor = sensor
            self.fault = fault
            self.warning = warning
        }

        enum CodingKeys: String, CodingKey {
            case id, level, zone, stage, point, alarm, session, sensor, fault, warning, signalled, fading
            case tS = "t_s", forceN = "force_n", holdS = "hold_s", rampNS = "ramp_n_s"
        }
    }

    /// The sensor's health, in every live frame.
    public struct SensorStatus: Codable, Sendable, Equatable {
        public var rateHz: Double
        public var drops: Int
        public var errors: Int
        public var gaps: Int
        public var polled: Int
        /// `ok`; `polling` (the data-ready line is absent or silent now); `restarting` (after a fault);
        /// `disconnected` (no sample for 0.5 s).
        public var status: String
        public var lastError: String?

        public init(rateHz: Double, drops: Int, errors: Int, gaps: Int, polled: Int, status: String, lastError: String?) {
            self.rateHz = rateHz
            self.drops = drops
            self.errors = errors
            self.gaps = gaps
            self.polled = polled
            self.status = status
            self.lastError = lastError
        }

        enum CodingKeys: String, CodingKey {
            case drops, errors, gaps, polled, status
            case rateHz = "rate_hz", lastError = "last_error"
        }
    }

    public struct Alarm: Codable, Sendable, Equatable {
        /// On (`alarm`) or off (`alarm_end`): the message's type, not a field.
        public var on = true
        /// When the force crossed, in the session's time base (corrected for the filter's delay).
        public var tS: Double
        public var level: Double
        public var forceN: Double
        /// The sample at which the filtered force crossed, and when the message left: one clock, for latency.
        public var crossingNs: Int64
        public var sentNs: Int64

        public init(on: Bool, tS: Double, level: Double, forceN: Double, crossingNs: Int64, sentNs: Int64) {
            self.on = on
            self.tS = tS
            self.level = level
            self.forceN = forceN
            self.crossingNs = crossingNs
            self.sentNs = sentNs
        }

        enum CodingKeys: String, CodingKey {
            case level
            case tS = "t_s", forceN = "force_n", crossingNs = "crossing_ns", sentNs = "sent_ns"
        }
    }

    /// Something finished in the background (a tare) or was refused.
    public struct Notice: Codable, Sendable, Equatable {
        public var about: String
        public var ok: Bool
        public var message: String
        public init(about: String, ok: Bool, message: String) {
            self.about = about
            self.ok = ok
            self.message = message
        }
    }

    /// The answer to a command, carrying its `id`.
    public struct Reply: Codable, Sendable, Equatable {
        public var id: String?
        public var ok: Bool
        public var error: String?
        /// Per command: the point set, the scale after a rating, the session file, a message.
        public var point: String?
        public var scale: String?
        public var file: String?
        public var message: String?

        public init(id: String?, ok: Bool = true, error: String? = nil, point: String? = nil, scale: String? = nil,
                    file: String? = nil, message: String? = nil) {
            self.id = id
            self.ok = ok
            self.error = error
            self.point = point
            self.scale = scale
            self.file = file
            self.message = message
        }

        public static func refusal(id: String?, _ error: String) -> Reply { Reply(id: id, ok: false, error: error) }
    }
}

/// A number rounded to a fixed number of decimals, so that the text JSON
/// gives it is as short as the session file's (2.244, not 2.2439999999999998).
public func rounded(_ value: Double, decimals: Int) -> Double {
    let scale = [1.0, 10, 100, 1000, 10_000][min(max(decimals, 0), 4)]
    return (value * scale).rounded() / scale
}
