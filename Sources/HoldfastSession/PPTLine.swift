import FoundationEssentials
import HoldfastCore
import HoldfastJSON

/// A PPT trial as it stands in a session file and travels on the control
/// socket (like ``HoldLine``, one type for both). Times in seconds (3
/// decimals) in the session's time base; `time_s` is when the client
/// signalled. Forces in newtons of the filtered signal (3 decimals), kPa
/// with 1, the ramp in N/s with 2.
public struct PPTLine: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable {
        /// Before the point's first hold in the session.
        case pre
        /// After a hold at the point.
        case post
    }

    public var point: String?
    public var phase: Phase
    /// 1, 2, … per point and phase.
    public var trial: Int
    public var timeS: Double
    /// The threshold: the highest filtered force from the contact's start up to the signal.
    public var forceN: Double
    /// The same on the probe, when its area is configured.
    public var kpa: Double?
    /// The mean slope from the onset to the signal.
    public var rateNS: Double
    public var valid: Bool
    /// Why not, when not valid: a ramp outside the band, no ramp, a gap.
    public var why: String?

    public init(point: String?, phase: Phase, trial: Int, timeS: Double, forceN: Double, kpa: Double?, rateNS: Double,
                valid: Bool, why: String?) {
        self.point = point
        self.phase = phase
        self.trial = trial
        self.timeS = timeS
        self.forceN = forceN
        self.kpa = kpa
        self.rateNS = rateNS
        self.valid = valid
        self.why = why
    }

    enum CodingKeys: String, CodingKey {
        case point, phase, trial, kpa, valid, why
        case timeS = "time_s", forceN = "force_n", rateNS = "rate_n_s"
    }

    // `point` and `kpa` are written as null when absent (the file's form); `why` only when invalid.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(point, forKey: .point)
        try c.encode(phase, forKey: .phase)
        try c.encode(trial, forKey: .trial)
        try c.encode(timeS, forKey: .timeS)
        try c.encode(forceN, forKey: .forceN)
        try c.encode(kpa, forKey: .kpa)
        try c.encode(rateNS, forKey: .rateNS)
        try c.encode(valid, forKey: .valid)
        try c.encodeIfPresent(why, forKey: .why)
    }

    /// The line from a record read back (a JSON object); the error names the field.
    public init(record: [String: Any]) throws(SessionRecordError) {
        func number(_ key: String) throws(SessionRecordError) -> Double {
            guard let v = record.number(key), v.isFinite, v >= 0, v <= PointTable.maxSeconds else {
                throw SessionRecordError("ppt: \(key) is missing or out of range")
            }
            return v
        }
        guard let phaseText = record["phase"] as? String, let phase = Phase(rawValue: phaseText) else {
            throw SessionRecordError("ppt: phase must be \"pre\" or \"post\"")
        }
        guard let trial = record["trial"] as? Int, trial >= 1 else { throw SessionRecordError("ppt: trial must be a whole number from 1") }
        guard let valid = record["valid"] as? Bool else { throw SessionRecordError("ppt: valid must be true or false") }
        var kpa: Double?
        if record["kpa"] != nil { kpa = try number("kpa") }  // null reads as absent
        self.init(point: record["point"] as? String, phase: phase, trial: trial, timeS: try number("time_s"),
                  forceN: try number("force_n"), kpa: kpa, rateNS: record.number("rate_n_s") ?? 0, valid: valid,
                  why: record["why"] as? String)
    }
}

