import HoldfastPOSIX

/// Session file names: start time (UTC) and an optional client pseudonym,
/// e.g. `20261129T031500Z-jd42.jsonl` (the pseudonym checked by ``ClientPseudonym``).
public enum SessionName {
    /// UTC wall-clock time as `YYYYMMDDTHHMMSSZ`.
    public static func stamp(unixSeconds: Int) -> String {
        var t = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// ISO 8601 for the file's header.
    public static func iso(unixSeconds: Int) -> String {
        let s = stamp(unixSeconds: unixSeconds)
        let c = Array(s)
        return "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8]))T\(String(c[9..<11])):\(String(c[11..<13])):\(String(c[13..<15]))Z"
    }

    public static func fileName(unixSeconds: Int, client: String?) -> String {
        stamp(unixSeconds: unixSeconds) + (client.map { "-" + $0 } ?? "") + ".jsonl"
    }

    public static func nowUnixSeconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec)
    }
}
