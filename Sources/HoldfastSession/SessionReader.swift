import HoldfastCore
import HoldfastJSON
import HoldfastPOSIX

/// A session file read back, tolerating what a crash leaves: a torn last
/// line is reported and skipped; every complete record is kept.
///
/// The file is streamed, one line at a time, and only totals are kept: a day
/// of holds, or a million, is read in the same small memory. Each hold is
/// handed to the caller as it is read (for `session show` and CSV export);
/// the per-point table accumulates as it goes. What a file can say is
/// bounded too: a line longer than `maxLineBytes`, more than `maxPoints`
/// points or a hold whose times cannot be a hold's is an error naming the file
/// and line.
public struct SessionFile: Sendable {
    /// A hold read back: the file's record, typed.
    public typealias Hold = HoldLine

    /// A record is a few hundred bytes; the summary of a session with many points a few kilobytes.
    public static let maxLineBytes = 64 * 1024
    /// Distinct points in one session (a real one has tens).
    public static let maxPoints = 1024

    public var path: String
    public var started: String?
    public var client: String?
    public var source: String?
    /// The session's day when the header names one (a replayed trace's `# date:`), else from `started`.
    public var date: String?
    public private(set) var pptCount = 0
    public private(set) var outcomeCount = 0
    public private(set) var holdCount = 0
    public private(set) var alarms = 0
    /// Times the sensor went silent (`gap` records), and the longest: when samples resumed, and for how long they had been missing.
    public private(set) var gapCount = 0
    public private(set) var longestGap: (atS: Double, missingS: Double)?
    public private(set) var markCount = 0
    /// Per point, in order of first appearance.
    public private(set) var points = PointTable()
    /// The summary line was there: the session ended cleanly.
    public private(set) var complete = false
    /// The last line was cut short (a crash or power cut while writing it).
    public private(set) var tornLastLine = false

    /// Reads `path` through once, calling `onHeader` once the header is read
    /// (`started`, `client` and `source` are then known) and `onHold` with each
    /// hold in order; throws if the file cannot be read or is not a session file.
    public init(path: String, onHeader: (SessionFile) -> Void = { _ in },
                onHold: (Hold) -> Void = { _ in }, onPPT: (PPTLine) -> Void = { _ in },
                onOutcome: (_ atS: Double, Outcome) -> Void = { _, _ in }) throws(SessionReadError) {
        self.path = path
        let fd: Int32
        do { fd = try openRegularFileForReading(path: path) } catch {
            throw SessionReadError(path: path, reason: "cannot read: \(error.reason)")
        }
        defer { closeDescriptor(fd) }
        var lines = LineBuffer(maxLineBytes: Self.maxLineBytes)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var lineNumber = 0
        var sawHeader = false

        func fail(_ line: Int, _ reason: String) -> SessionReadError {
            SessionReadError(path: path, reason: "line \(line): \(reason)")
        }
        /// A line that does not parse is torn if it is the last and has no newline
        /// (the writer stopped inside it); anywhere else the file is damaged.
        func take(_ line: ArraySlice<UInt8>, terminated: Bool) throws(SessionReadError) {
            lineNumber += 1
            guard !line.isEmpty else { return }
            guard let record = JSON.object(from: line), let type = record["type"] as? String else {
                if terminated || !sawHeader { throw fail(lineNumber, "not a session record") }
                tornLastLine = true
                return
            }
            if !sawHeader {
                guard type == "session" else { throw SessionReadError(path: path, reason: "line 1 is not a session header") }
                sawHeader = true
                readHeader(record)
                onHeader(self)
                return
            }
            do { try readRecord(type, record, onHold: onHold, onPPT: onPPT, onOutcome: onOutcome) }
            catch { throw fail(lineNumber, error.description) }
        }

        while true {
            let n: Int
            switch valueOrErrno({ chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }) {
            case .success(let count): n = count
            case .failure(let e): throw SessionReadError(path: path, reason: "cannot read: \(e)")
            }
            if n == 0 { break }
            chunk.withUnsafeBytes { lines.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            while let next = lines.nextLine() {
                guard case .success(let line) = next else {
                    throw fail(lineNumber + 1, "longer than \(Self.maxLineBytes) bytes: not a session record")
                }
                try take(line, terminated: true)
            }
        }
        if let last = lines.remainder() { try take(last, terminated: false) }
        guard sawHeader else { throw SessionReadError(path: path, reason: "empty, or no session header") }
    }

    private mutating func readHeader(_ record: [String: Any]) {
        let source = record["source"] as? [String: Any]
        started = source?["started"] as? String
        client = source?["client"] as? String
        self.source = source?["trace"] as? String ?? source?["sensor"] as? String
        date = source?["date"] as? String ?? started.map { String($0.prefix(10)) }
    }

    private mutating func readRecord(_ type: String, _ record: [String: Any], onHold: (Hold) -> Void,
                                     onPPT: (PPTLine) -> Void,
                                     onOutcome: (Double, Outcome) -> Void) throws(SessionRecordError) {
        switch type {
        case "hold":
            func d(_ key: String) -> Double { record.number(key) ?? 0 }
            let point = record["point"] as? String
            guard points[point] != nil || points.rows.count < Self.maxPoints else {
                throw SessionRecordError("more than \(Self.maxPoints) points")
            }
            let hold = Hold(n: record["n"] as? Int ?? holdCount + 1, point: point, startS: d("start_s"), endS: d("end_s"),
                            holdS: d("hold_s"), meanN: d("mean_n"), peakN: d("peak_n"), meanLevel: d("mean_level"),
                            peakLevel: d("peak_level"), targetS: d("target_s"), overS: d("over_s"),
                            regrips: record["regrips"] as? Int ?? 0, sagPct: record.number("sag_pct"),
                            wobblePct: record.number("wobble_pct"), targetPct: record.number("target_pct"), gaps: record["gaps"] as? Int,
                            cutByGap: record["cut_by_gap"] as? Bool, open: record["open"] as? Bool)
            do {
                try points.add(point: hold.point, holdS: hold.holdS, meanLevel: hold.meanLevel, peakLevel: hold.peakLevel,
                               targetS: hold.targetS, overS: hold.overS)
            } catch {
                throw SessionRecordError("hold: \(error)")
            }
            holdCount += 1
            onHold(hold)
        case "alarm": alarms += 1
        case "gap":
            let gap = (atS: record.number("t_s") ?? 0, missingS: record.number("missing_s") ?? 0)
            gapCount += 1
            if gap.missingS > longestGap?.missingS ?? -.infinity { longestGap = gap }
        case "mark": markCount += 1
        case "ppt":
            let trial = try PPTLine(record: record)
            pptCount += 1
            onPPT(trial)
        case "outcome":
            let outcome: Outcome
            do { outcome = try Outcome(fields: record) } catch { throw SessionRecordError("outcome: \(error)") }
            outcomeCount += 1
            onOutcome(record.number("t_s") ?? 0, outcome)
        case "summary": complete = true
        default: break
        }
    }

    /// The header row of the CSV export.
    public static let csvHeader = "n,point,start_s,end_s,hold_s,mean_n,peak_n,mean_level,peak_level,target_s,over_s,open\r\n"

    /// One hold as a CSV row (RFC 4180), for spreadsheets. The label is the only
    /// text cell: quoted, and defused if a spreadsheet would take it for a formula
    /// (see `SpreadsheetText`); numbers stay numbers, negative ones included.
    public static func csvRow(_ n: Int, _ h: Hold) -> String {
        let point = "\"" + SpreadsheetText.defused(h.point ?? "").replacing("\"", with: "\"\"") + "\""
        let numbers = [h.startS, h.endS, h.holdS, h.meanN, h.peakN, h.meanLevel, h.peakLevel, h.targetS, h.overS]
            .map { DecimalText.fixed($0, decimals: 3) }
        return "\(n),\(point),\(numbers.joined(separator: ",")),\(h.open ?? false)\r\n"
    }
}

public struct SessionReadError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// Safe to print: a path or value with control characters is shown escaped.
    public var description: String { TerminalText.escaped("\(path): \(reason)", limit: 400) }
}

/// A record that cannot be what it says it is.
public struct SessionRecordError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
