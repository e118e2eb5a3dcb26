import HoldfastTrace
import Foundation
import HoldfastCore
import HoldfastTestSupport
import Testing

@Suite("Trace reader")
struct TraceReaderTests {
    /// Writes `text` to a fresh file and reads it all.
    func read(_ text: String) throws -> (samples: [Sample], points: [(Int64, String)], reader: TraceReader) {
        let path = NSTemporaryDirectory() + "holdfast-trace-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try TraceReader(path: path)
        var samples: [Sample] = []
        var points: [(Int64, String)] = []
        var buffer = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: 3)
        while true {
            let n = try buffer.withUnsafeMutableBufferPointer { b in
                try reader.read(into: b) { points.append(($0, $1)) }
            }
            if n == 0 { break }
            samples += buffer[..<n]
        }
        return (samples, points, reader)
    }

    /// The error a bad trace gives, as text.
    func failure(_ text: String) -> String? {
        do {
            _ = try read(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func readsRowsCommentsAndLabels() throws {
        let r = try read("""
            # scenario: test
            # rate_hz: 1000

            time_s,force_n,point
            0.000,0.5,
            # a comment between rows
            0.001, 1.25 ,upper trapezius L\r
            0.002,-0.0001
            0.002,7,  masseter  
            """)
        #expect(r.samples.map(\.timestampNs) == [0, 1_000_000, 2_000_000, 2_000_000])
        #expect(r.samples.map(\.raw) == [5_000, 12_500, -1, 70_000])
        #expect(r.points.map(\.1) == ["upper trapezius L", "masseter"])
        #expect(r.points.map(\.0) == [1_000_000, 2_000_000])
        #expect(r.reader.metadata.map(\.key) == ["scenario", "rate_hz"])
        #expect(r.reader.hasPointColumn)
    }

    @Test func readsRowsAcrossChunkBoundaries() throws {
        var text = "time_s,force_n\n"
        for i in 0..<200_000 { text += "\(i / 1000).\(String(format: "%03d", i % 1000)),\(i % 97).5\n" }
        let r = try read(text)
        #expect(r.samples.count == 200_000)
        #expect(r.samples.last?.timestampNs == 199_999_000_000)
        #expect(r.samples.last?.raw == Int32((199_999 % 97) * 10_000 + 5_000))
    }

    @Test(arguments: [
        ("", "the trace is empty"),
        ("# only a comment\n", "missing header"),
        ("time,force\n0,1\n", ":1: missing header"),
        ("time_s,force_n\n0,1\n1,abc\n", ":3: force_n is not a number: \"abc\""),
        ("time_s,force_n\n0,1\n1,NaN\n", ":3: force_n must be a finite number"),
        ("time_s,force_n\n0,1\nx,1\n", ":3: time_s is not a number"),
        ("time_s,force_n\n0,1\n1,\n", ":3: force_n is empty"),
        ("time_s,force_n\n1,1\n0.5,1\n", ":3: time_s goes backwards"),
        ("time_s,force_n\n0,1,extra\n", ":2: expected 2 fields, found 3"),
        ("time_s,force_n,point\n0,1,a,b\n", ":2: expected 2 or 3 fields, found 4"),
        ("time_s,force_n\n0,99999\n", ":2: force_n is out of range"),
        ("time_s,force_n,point\n0,1,bad\u{7}label\n", ":2: point label \"bad\\x07label\" contains a control character"),
        ("time_s,force_n,point\n0,1,\"quoted\"\n", ":2: point label \"\"quoted\"\" contains \"\"\""),
        // Rows of the fast path's shape that fail a check: the general parser says why.
        ("time_s,force_n\n0.5,9000.0\n", ":2: force_n is out of range: \"9000.0\""),
        ("time_s,force_n\n0.000,1.0\n1.500,1.0\n1.499,1.0\n", ":4: time_s goes backwards: 1.499000000 s after 1.500000000 s"),
        ("time_s,force_n\n0.5,1.0,\n", ":2: expected 2 fields, found 3"),
        ("time_s,force_n,point\n0.5,1.0,,\n", ":2: expected 2 or 3 fields, found 4"),
        ("time_s,force_n\n0.5,1.0\n0.6,1.0\n0.7,-1e99\n", ":4: force_n is out of range"),
        // The event column: only known events, only where the header has the column.
        ("time_s,force_n,event\n0.5,1.0,\n0.6,1.0,pain\n", ":3: event \"pain\" is not known (an event is empty or one of: ppt)"),
        ("time_s,force_n,point,event\n0.5,1.0,a,PPT\n", ":2: event \"PPT\" is not known"),
        ("time_s,force_n,point,event\n0.5,1.0,a,ppt,x\n", ":2: expected 2 to 4 fields, found 5"),
        ("time_s,force_n,event,point\n0.5,1.0\n", ":1: missing header"),
    ])
    func badInputNamesTheLineAndReason(text: String, expected: String) {
        let message = failure(text)
        #expect(message?.contains(expected) == true, "got \(message ?? "no error")")
    }

    /// `event` is `ppt` on the row at which the client signalled: that sample, and only it, carries the flag,
    /// whether the row also labels a point or not, and rows with empty extra fields stay on the fast path.
    @Test func pptEventsFlagTheirSample() throws {
        let r = try read("time_s,force_n,point,event\n0.000,1.0,,\n0.010,2.0,a,\n0.020,3.0,,ppt\n0.030,4.0,b,ppt\n0.040,5.0\n0.050, 6.0 ,, ppt \n")
        #expect(r.samples.map(\.flags.rawValue) == [0, 0, SampleFlags.signal.rawValue, SampleFlags.signal.rawValue, 0,
                                                   SampleFlags.signal.rawValue])
        #expect(r.samples.map(\.raw) == [10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
        #expect(r.points.map(\.1) == ["a", "b"])
        #expect(r.reader.hasEventColumn && r.reader.hasPointColumn)
        let eventOnly = try read("time_s,force_n,event\n0.000,1.0,\n0.010,2.0,ppt\n0.020,3.0\n")
        #expect(eventOnly.samples.map { $0.flags.contains(.signal) } == [false, true, false])
        #expect(!eventOnly.reader.hasPointColumn)
    }

    @Test func anUnreadablePathIsNamed() {
        #expect(throws: TraceError.self) { try TraceReader(path: "/nonexistent/trace.csv") }
        do {
            _ = try TraceReader(path: "/nonexistent/trace.csv")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/trace.csv: cannot open trace: No such file"))
        }
    }
}

@Suite("Trace reader: exactness of the fast path")
struct TraceReaderExactnessTests {
    /// Random rows written in many shapes — the common one, and spaces, CRLF, signs,
    /// exponents, trailing zeros, many digits, labels, comments — read back exactly,
    /// across chunk boundaries (each file is over 2 MiB). Start times: near zero, a Unix
    /// time (10 whole digits), and across the fast path's largest time (9 223 372 035 s);
    /// times in steps of 1 µs (as `holdfast simulate` writes them), 1 ns, and 10 µs.
    @Test(arguments: [(Int64(0), Int64(1000)), (1_700_000_000_000_000_000, 1), (9_223_372_034_000_000_000, 10_000)])
    func everyRowShapeReadsExactly(startNs: Int64, stepNs: Int64) throws {
        var random = SeededRandom(fallback: 0x7ACE_0000 &+ UInt64(truncatingIfNeeded: stepNs))
        let replay = random.replay
        var text = "# rate_hz: 1000\ntime_s,force_n,point\n"
        var expected: [Sample] = []
        var labels: [(Int64, String)] = []
        var timeNs = startNs
        while text.utf8.count < 5 << 19 {
            timeNs += Int64(random.next() % 4) * stepNs
            let magnitude = [Int64(10), 1000, 100_000, 10_000_000, 80_000_000][Int(random.next() % 5)]
            let counts = Int64(random.next() % UInt64(2 * magnitude + 1)) - magnitude
            var row = Self.decimal(timeNs, decimals: 9, random: &random) + ","
                + Self.decimal(counts, decimals: 4, random: &random)
            switch random.next() % 16 {
            case 0: row = " \(row)\t"
            case 1:
                row += ",point \(expected.count % 7)"
                labels.append((timeNs, "point \(expected.count % 7)"))
            case 2: row += ",  "
            case 3: row += "\r"
            case 4: text += "# a comment\n\n"
            case 5: break
            default: row += ","
            }
            text += row + "\n"
            expected.append(Sample(timestampNs: timeNs, raw: Int32(counts)))
        }
        let r = try TraceReaderTests().read(text)
        #expect(r.samples.count == expected.count, "\(replay)")
        let firstDifference = r.samples.indices.first { $0 < expected.count && r.samples[$0] != expected[$0] }
        #expect(firstDifference == nil, "row \(firstDifference ?? 0) differs, \(replay)")
        #expect(r.points.map(\.0) == labels.map(\.0) && r.points.map(\.1) == labels.map(\.1), "\(replay)")
    }

    /// `value / 10^decimals` in one of several equivalent spellings.
    static func decimal(_ value: Int64, decimals: Int, random: inout SeededRandom) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = DecimalText.format(abs(value), decimals: decimals)
        switch random.next() % 8 {
        case 0:  // trailing zeros dropped, one decimal kept
            var s = magnitude
            while s.hasSuffix("0") && !s.hasSuffix(".0") { s.removeLast() }
            return sign + s
        case 1: return sign + magnitude + "000"  // more decimals than the scale
        case 2: return (value < 0 ? "-" : "+") + magnitude
        case 3: return sign + "00" + magnitude  // leading zeros
        case 4: return DecimalText.format(value, decimals: 0) + "e-\(decimals)"  // no point, an exponent
        default: return sign + magnitude
        }
    }
}

@Suite("Trace reader: bounds, escaping, file types")
struct TraceReaderSafetyTests {
    func write(_ text: String, name: String = "trace.csv") throws -> (path: String, directory: String) {
        let directory = NSTemporaryDirectory() + "holdfast-trace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (path, directory)
    }

    func message(_ text: String, name: String = "trace.csv") throws -> String {
        let (path, directory) = try write(text, name: name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let reader = try TraceReader(path: path)
            var buffer = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: 64)
            while try buffer.withUnsafeMutableBufferPointer({ try reader.read(into: $0) { _, _ in } }) > 0 {}
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static func isSafeToPrint(_ s: String) -> Bool { !s.unicodeScalars.contains(where: TerminalText.isUnsafe) }

    @Test func metadataIsBounded() throws {
        var text = ""
        for i in 0..<(TraceReader.maxMetadataEntries + 1000) { text += "# key\(i): value \(i)\n" }
        text += "# plain comment without a colon\n"
        text = "# long: \(String(repeating: "x", count: 2000))\n" + text
        text += "time_s,force_n\n0,1\n"
        let (path, directory) = try write(text)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reader = try TraceReader(path: path)
        #expect(reader.metadata.count == TraceReader.maxMetadataEntries)
        #expect(reader.metadata.first?.key == "key0" && reader.metadata.last?.key == "key255")
        #expect(reader.ignoredMetadata == 1001)
    }

    /// Outside the macro's arguments: Swift 6.0.3 crashes type-checking a string
    /// interpolation written inside @Test(arguments:).
    static let escapeCases: [(String, String)] = [
        ("\u{1B}]0;pwned\u{7}time_s,force_n\n0,1\n", "found \"\\x1b]0;pwned\\x07time_s,force_n\""),
        ("time_s,force_n\n0,\u{1B}[2J\u{1B}[31mred\n", "force_n is not a number: \"\\x1b[2J\\x1b[31mred\""),
        ("time_s,force_n\n\u{9B}31m,1\n", "time_s is not a number: \"\\u{9b}31m\""),
        ("time_s,force_n\n0,1e99\u{202E}\n", "force_n is not a number: \"1e99\\u{202e}\""),
        ("time_s,force_n,point\n0,1,\u{1B}[1mtrapezius\n", "point label \"\\x1b[1mtrapezius\" contains a control character"),
        ("time_s,force_n\n0,\(String(repeating: "9", count: 100_000))x\n", "force_n is not a number: \"\(String(repeating: "9", count: 40))…\""),
    ]

    @Test(arguments: escapeCases)
    func errorsEscapeAndCutWhatTheyQuote(text: String, expected: String) throws {
        let m = try message(text)
        #expect(m.contains(expected), "got \(m.debugDescription)")
        #expect(Self.isSafeToPrint(m), "got \(m.debugDescription)")
        #expect(m.count < 300)
    }

    @Test func aPathWithControlCharactersIsEscaped() throws {
        let m = try message("nonsense\n", name: "evil\u{1B}[2J.csv")
        #expect(m.contains("evil\\x1b[2J.csv:1: missing header"), "got \(m.debugDescription)")
        #expect(Self.isSafeToPrint(m))
    }

    /// A FIFO is refused without blocking. The test holds the FIFO open for writing with a
    /// valid trace in it, so that a reader that opened and read it would not block either,
    /// but would succeed: the assertion, not a hang, tells the difference.
    @Test(.timeLimit(.minutes(1))) func aFIFOIsRefused() throws {
        let directory = NSTemporaryDirectory() + "holdfast-trace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/fifo.csv"
        #expect(mkfifo(path, 0o600) == 0)
        let writer = open(path, O_RDWR | O_NONBLOCK)
        #expect(writer >= 0)
        defer { close(writer) }
        let trace = Array("time_s,force_n\n0,1\n0.001,2\n".utf8)
        #expect(Glibc.write(writer, trace, trace.count) == trace.count)
        #expect(throws: TraceError(path: path, line: nil, reason: .notARegularFile(kind: "a FIFO (named pipe)"))) {
            _ = try TraceReader(path: path)
        }
    }

    @Test func directoriesAndDevicesAreRefused() throws {
        let directory = NSTemporaryDirectory() + "holdfast-trace-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: TraceError(path: directory, line: nil, reason: .notARegularFile(kind: "a directory"))) {
            _ = try TraceReader(path: directory)
        }
        #expect(throws: TraceError(path: "/dev/zero", line: nil, reason: .notARegularFile(kind: "a character device"))) {
            _ = try TraceReader(path: "/dev/zero")
        }
        do {
            _ = try TraceReader(path: "/dev/null")
            Issue.record("/dev/null was read as a trace")
        } catch {
            #expect(error.description == "/dev/null: cannot read a trace from a character device: a trace must be a regular file")
        }
    }
}
