import HoldfastCore

/// The records only a live session has: point changes, tares, calibration
/// points, marks, alarms and sensor gaps. `t_s` is seconds since the session
/// started (3 decimals), like the holds' `start_s`.
extension SessionEncoding {
    static func event(_ type: String, atNs t: Int64, _ fill: (inout JSONLine) -> Void = { _ in }) -> [UInt8] {
        var line = JSONLine()
        line.field("type", type)
        line.field("t_s", nanoseconds: t)
        fill(&line)
        return line.line()
    }

    public static func point(_ label: String, atNs t: Int64) -> [UInt8] {
        event("point", atNs: t) { $0.field("point", label) }
    }

    public static func tare(offsetCounts: Int32, atNs t: Int64) -> [UInt8] {
        event("tare", atNs: t) { $0.field("offset_counts", Int(offsetCounts)) }
    }

    /// The client rated the current pressure: the scale in force from now on.
    public static func rating(forceN: Double, level: Double, scale: PressureScale, atNs t: Int64) -> [UInt8] {
        event("rating", atNs: t) { line in
            line.field("force_n", scaled: Int64((forceN * 1000).rounded()), decimals: 3)
            line.field("level", level)
            line.field("scale", scale.text)
        }
    }

    public static func mark(_ note: String?, atNs t: Int64) -> [UInt8] {
        event("mark", atNs: t) { $0.field("note", note) }
    }

    public static func alarm(on: Bool, forceQ16: Int32, level: Double, atNs t: Int64) -> [UInt8] {
        event(on ? "alarm" : "alarm_end", atNs: t) { line in
            line.field("force_n", q16: forceQ16)
            line.field("level", level: level)
        }
    }

    /// `missingNs`: from the last sample before the gap to the first after it.
    public static func gap(atNs t: Int64, missingNs: Int64) -> [UInt8] {
        event("gap", atNs: t) { $0.field("missing_s", nanoseconds: missingNs) }
    }
}
