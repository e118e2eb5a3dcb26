import HoldfastTrace
import HoldfastCore
import HoldfastPOSIX
import HoldfastReplay
import HoldfastEmulation

/// Generates a long 1 kHz trace and times parsing it, next to the plain Python
/// reference (`Benchmarks/reference/parse_trace.py`) on the same file, and replaying it.
enum ReplayBenchmark {
    struct Result {
        var megabytes: Double
        var rows: Int
        /// Best of the rounds.
        var parseSeconds: Double
        /// The same rows with a space after each comma: every row takes the general parser.
        var spacedMegabytes: Double
        var spacedParseSeconds: Double
        var replaySeconds: Double
        /// The Python reference's parse time, best of the rounds; nil when it could not run.
        var referenceSeconds: Double?
        var referenceRows: Int?
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

    /// Prints section (c) of the report.
    static func report(minutes: Int, rounds: Int) throws {
        print("(c) Replay of a \(minutes)-minute 1 kHz trace (generated now), best of \(rounds)")
        let replay = try run(minutes: minutes, rounds: rounds)
        let ours = replay.megabytes / replay.parseSeconds
        Report.row("trace size", replay.megabytes, unit: "MB")
        Report.row("parse only (TraceReader)", replay.parseSeconds * 1e3, unit: "ms")
        Report.row("parse throughput (TraceReader)", ours, unit: "MB/s")
        Report.row("parse throughput, a space after each comma", replay.spacedMegabytes / replay.spacedParseSeconds,
                   unit: "MB/s")
        if let seconds = replay.referenceSeconds {
            let reference = replay.megabytes / seconds
            Report.row("parse throughput (Python reference)", reference, unit: "MB/s")
            Report.ratio("TraceReader / Python reference", ours / reference)
            if replay.referenceRows != replay.rows {
                print("    the reference read \(replay.referenceRows ?? 0) rows, TraceReader \(replay.rows)")
            }
        } else {
            print("    Python reference: could not run python3 \(referenceScript)")
        }
        Report.row("replay with session file", replay.replaySeconds * 1e3, unit: "ms")
        Report.row("replay throughput", replay.megabytes / replay.replaySeconds, unit: "MB/s")
        print("    holds found: \(replay.holds)")
        print("")
    }

    static func run(minutes: Int, rounds: Int) throws -> Result {
        let directory = try makeTemporaryDirectory()
        defer {
            for name in ["long.scenario", "long.csv", "long.jsonl", "spaced.csv"] { unlink(directory + "/" + name) }
            rmdir(directory)
        }
        let scenarioPath = directory + "/long.scenario"
        let writer = try FileWriter(creating: scenarioPath)
        try writer.write(scenarioText(minutes: minutes))
        try writer.close()
        let scenario = try ScenarioFile.load(scenarioPath)
        let trace = directory + "/long.csv"
        try ScenarioFile.writeTrace(scenario, to: trace)

        let spaced = directory + "/spaced.csv"
        try writeSpaced(trace, to: spaced)

        var rows = 0
        var parseSeconds = Double.infinity
        var spacedParseSeconds = Double.infinity
        var replaySeconds = Double.infinity
        var referenceSeconds: Double?
        var referenceRows: Int?
        var holds = 0
        var buffer = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: 4096)
        for _ in 0..<rounds {
            parseSeconds = min(parseSeconds, try measure { rows = try parse(trace, buffer: &buffer) })
            spacedParseSeconds = min(spacedParseSeconds, try measure { _ = try parse(spaced, buffer: &buffer) })
            if let (n, seconds) = runReference(trace: trace) {
                referenceRows = n
                referenceSeconds = min(referenceSeconds ?? .infinity, seconds)
            }
            replaySeconds = min(replaySeconds, try measure {
                let result = try Replay.run(ReplayOptions(tracePath: trace, sessionPath: directory + "/long.jsonl"))
                holds = result.summary.holds.count
            })
        }
        return Result(megabytes: megabytes(trace), rows: rows, parseSeconds: parseSeconds,
                      spacedMegabytes: megabytes(spaced), spacedParseSeconds: spacedParseSeconds,
                      replaySeconds: replaySeconds, referenceSeconds: referenceSeconds,
                      referenceRows: referenceRows, holds: holds)
    }

    /// Reads the whole trace; returns the number of rows.
    static func parse(_ trace: String, buffer: inout [Sample]) throws -> Int {
        let reader = try TraceReader(path: trace)
        var rows = 0
        try buffer.withUnsafeMutableBufferPointer { b in
            while true {
                let n = try reader.read(into: b) { _, _ in }
                if n == 0 { break }
                rows += n
            }
        }
        return rows
    }

    /// A copy of `trace` with a space after every comma.
    static func writeSpaced(_ trace: String, to path: String) throws {
        let out = try FileWriter(creating: path)
        var line: [UInt8] = []
        for byte in try readFile(trace) {
            line.append(byte)
            if byte == UInt8(ascii: ",") { line.append(UInt8(ascii: " ")) }
            if byte == UInt8(ascii: "\n") {
                try out.write(line)
                line.removeAll(keepingCapacity: true)
            }
        }
        try out.write(line)
        try out.close()
    }

    static func megabytes(_ path: String) -> Double {
        var info = stat()
        return stat(path, &info) == 0 ? Double(info.st_size) / 1e6 : .nan
    }

    /// The reference script, found beside this source file so the benchmark runs from any directory.
    static var referenceScript: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Sources/HoldfastBench/ReplayBenchmark.swift
        return parts.joined(separator: "/") + "/reference/parse_trace.py"
    }

    /// Runs the Python reference on `trace` through a pipe: (rows, seconds) as it reports them.
    static func runReference(trace: String) -> (Int, Double)? {
        let command = "python3 \(shellQuoted(referenceScript)) \(shellQuoted(trace)) 2>/dev/null"
        guard let pipe = popen(command, "r") else { return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if n == 0 { break }
            output += chunk[..<n]
        }
        guard pclose(pipe) == 0 else { return nil }
        let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, let n = Int(fields[0]), let seconds = Double(fields[1]) else { return nil }
        return (n, seconds)
    }

    private static func shellQuoted(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
