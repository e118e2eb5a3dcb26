import HoldfastCore
import HoldfastPOSIX
import HoldfastReplay
import HoldfastSimulator

/// Generates a long 1 kHz trace and times parsing it and replaying it.
enum ReplayBenchmark {
    struct Result {
        var megabytes: Double
        var parseSeconds: Double
        var replaySeconds: Double
        var holds: Int
    }

    /// 75-second cycles (10 s rest, 2 s ramp, 61.5 s hold, 1.5 s release) with tremor and mains.
    static func scenarioText(minutes: Int) -> String {
        var text = "rate_hz 1000\nseed 3\nnoise_n 0.15\ntremor 0.5 10\nmains 0.3 50\n"
        for i in 0..<(minutes * 60 / 75) {
            text += "hold 10\npoint point \(i % 6 + 1)\nramp \(30 + i % 10) 2\nhold 61.5\nramp 0 1.5\n"
        }
        return text
    }

    static func run(minutes: Int) throws -> Result {
        let directory = try ScenarioFile.temporaryDirectory()
        defer {
            for name in ["long.scenario", "long.csv", "long.jsonl"] { unlink(directory + "/" + name) }
            rmdir(directory)
        }
        let scenarioPath = directory + "/long.scenario"
        let writer = try FileWriter(creating: scenarioPath)
        try writer.write(scenarioText(minutes: minutes))
        try writer.close()
        let scenario = try ScenarioFile.load(scenarioPath)
        let trace = directory + "/long.csv"
        try ScenarioFile.writeTrace(scenario, to: trace)

        var info = stat()
        stat(trace, &info)

        var rows = 0
        let parseSeconds = try measure {
            let reader = try TraceReader(path: trace)
            var buffer = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: 4096)
            try buffer.withUnsafeMutableBufferPointer { b in
                while true {
                    let n = try reader.read(into: b) { _, _ in }
                    if n == 0 { break }
                    rows += n
                }
            }
        }
        var holds = 0
        let replaySeconds = try measure {
            let result = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: directory + "/long.jsonl"))
            holds = result.summary.holds.count
        }
        return Result(megabytes: Double(info.st_size) / 1e6, parseSeconds: parseSeconds,
                      replaySeconds: replaySeconds, holds: holds)
    }
}
