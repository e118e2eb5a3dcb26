import HoldfastCore
import HoldfastJSON
import HoldfastPOSIX

/// A session file read back, tolerating what a crash leaves: a torn last
/// line is reported and skipped; every complete record is kept.
public struct SessionFile: Sendable {
    public struct Hold: Sendable, Equatable {
        public var point: String?
        public var startS: Double
        public var endS: Double
        public var holdS: Double
        public var meanN: Double
        public var peakN: Double
        public var meanLevel: Double
        public var peakLevel: Double
        public var targetS: Double
        public var overS: Double
        public var open: Bool
        public var gaps: Int
    }

    public var path: String
    public var started: String?
    public var client: String?
    public var source: String?
    public var holds: [Hold] = []
    public var alarms = 0
    /// Times the sensor went silent (`gap` records): when samples resumed, and for how long they had been missing.
    public var gaps: [(atS: Double, missingS: Double)] = []
    public var marks: [String] = []
    /// The summary line was there: the session ended cleanly.
    public var complete = false
    /// The last line was cut short (a crash or power cut while writing it).
    public var tornLastLine = false

    /// Reads `path`; throws only if the file cannot be read or is not a session file.
    public init(path: String) throws(SessionReadError) {
        self.path = path
        let data: [UInt8]
        do { data = try readFile(path) } catch {
            throw SessionReadError(path: path, reason: "cannot read: \(error.reason)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var sawHeader = false
        for (index, line) in lines.enumerated() where !line.isEmpty {
            guard let record = JSON.object(from: line),
                  let type = record["type"] as? String else {
                if index == lines.count - 1 { tornLastLine = true; continue }
                throw SessionReadError(path: path, reason: "line \(index + 1) is not a session record")
            }
            if !sawHeader {
                guard type == "session" else { throw SessionReadError(path: path, reason: "line 1 is not a session header") }
                sawHeader = true
                let source = record["source"] as? [String: Any]
                started = source?["started"] as? String
                client = source?["client"] as? String
                self.source = source?["trace"] as? String ?? source?["sensor"] as? String
                continue
            }
            switch type {
            case "hold":
                func d(_ key: String) -> Double { record.number(key) ?? 0 }
                holds.append(Hold(point: record["point"] as? String, startS: d("start_s"), endS: d("end_s"), holdS: d("hold_s"),
                                  meanN: d("mean_n"), peakN: d("peak_n"), meanLevel: d("mean_level"), peakLevel: d("peak_level"),
                                  targetS: d("target_s"), overS: d("over_s"), open: record["open"] as? Bool ?? false,
                                  gaps: record["gaps"] as? Int ?? 0))
            case "alarm": alarms += 1
            case "gap": gaps.append((record.number("t_s") ?? 0, record.number("missing_s") ?? 0))
            case "mark": marks.append(record["note"] as? String ?? "")
            case "summary": complete = true
            default: break
            }
        }
        guard sawHeader else { throw SessionReadError(path: path, reason: "empty, or no session header") }
    }

    /// Per point, in order of first appearance.
    public var points: PointTable {
        var table = PointTable()
        for h in holds {
            table.add(point: h.point, holdS: h.holdS, meanLevel: h.meanLevel, peakLevel: h.peakLevel, targetS: h.targetS, overS: h.overS)
        }
        return table
    }

    /// The holds as CSV (RFC 4180), one row per hold, for spreadsheets.
    public var csv: String {
        var out = "n,point,start_s,end_s,hold_s,mean_n,peak_n,mean_level,peak_level,target_s,over_s,open\r\n"
        for (i, h) in holds.enumerated() {
            let point = "\"" + (h.point ?? "").replacing("\"", with: "\"\"") + "\""
            let numbers = [h.startS, h.endS, h.holdS, h.meanN, h.peakN, h.meanLevel, h.peakLevel, h.targetS, h.overS]
                .map { DecimalText.fixed($0, decimals: 3) }
            out += "\(i + 1),\(point),\(numbers.joined(separator: ",")),\(h.open)\r\n"
        }
        return out
    }
}

public struct SessionReadError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
