import HoldfastCore
import HoldfastPOSIX
import HoldfastSession

/// Scenario files on disk: loading them and writing their traces and truth.
public enum ScenarioFile {
    /// Reads and parses a scenario; its name is the file name without ".scenario".
    public static func load(_ path: String) throws -> Scenario {
        let text = String(decoding: try readFile(path, limit: 1 << 20), as: UTF8.self)
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".scenario") { name.removeLast(".scenario".count) }
        return try Scenario(parsing: text, name: name, source: path)
    }

    public static func writeTrace(_ scenario: Scenario, to path: String) throws {
        try TraceSynthesizer(scenario).writeCSV(to: path)
    }

    /// Writes the ground truth as JSON Lines: a `truth` header, then one `hold` line per hold.
    public static func writeTruth(_ scenario: Scenario, to path: String) throws {
        let truth = GroundTruth(scenario: scenario)
        let out = try FileWriter(creating: path)
        var header = JSONLine()
        header.field("type", "truth")
        header.field("scenario", scenario.name)
        header.field("holds", truth.holds.count)
        header.field("touches", truth.touches)
        if !truth.trials.isEmpty { header.field("trials", truth.trials.count) }
        try out.write(header.line())
        for (i, h) in truth.holds.enumerated() {
            var line = JSONLine()
            line.field("type", "hold")
            line.field("n", i + 1)
            line.field("point", h.point)
            line.field("start_s", scaled: Int64((h.startS * 1000).rounded()), decimals: 3)
            line.field("end_s", scaled: Int64((h.endS * 1000).rounded()), decimals: 3)
            line.field("hold_s", scaled: Int64((h.holdS * 1000).rounded()), decimals: 3)
            line.field("mean_n", scaled: Int64((h.meanN * 1000).rounded()), decimals: 3)
            line.field("peak_n", scaled: Int64((h.peakN * 1000).rounded()), decimals: 3)
            line.field("target_s", scaled: Int64((h.targetS * 1000).rounded()), decimals: 3)
            line.field("over_s", scaled: Int64((h.overS * 1000).rounded()), decimals: 3)
            line.field("regrips", h.regrips)
            try out.write(line.line())
        }
        for t in truth.trials {
            func milli(_ v: Double) -> Int64 { Int64((v * 1000).rounded()) }
            var line = JSONLine()
            line.field("type", "ppt")
            line.field("point", t.point)
            line.field("phase", t.phase)
            line.field("time_s", scaled: milli(t.signalS), decimals: 3)
            line.field("force_n", scaled: milli(t.thresholdN), decimals: 3)
            line.field("rate_n_s", scaled: milli(t.rateNPerS), decimals: 3)
            line.field("client_threshold_n", scaled: milli(t.clientThresholdN), decimals: 3)
            try out.write(line.line())
        }
        for o in scenario.outcomes {
            var line = JSONLine()
            line.field("type", "outcome")
            line.field("t_s", scaled: Int64((o.timeS * 1000).rounded()), decimals: 3)
            line.field("words", o.words)
            try out.write(line.line())
        }
        try out.close()
    }
}
