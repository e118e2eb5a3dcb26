import HoldfastCore

/// What a trace's `# key: value` header may say about its session beyond the
/// samples: whose it is (`# client: jd42`), which day (`# date: 2026-03-02`)
/// and what the client reported when (`# outcome: 12.5 pain 6 now`: seconds on
/// the trace's axis, then the words `holdfast send outcome` takes). A
/// synthesised client's sessions carry these so that replay writes the same
/// records a live session would.
public struct TraceAnnotations: Sendable, Equatable {
    public var client: String?
    public var date: String?
    /// In time order.
    public var outcomes: [(timeNs: Int64, outcome: Outcome)] = []

    public init() {}

    public init(metadata: [(key: String, value: String)]) throws(SessionRecordError) {
        for (key, value) in metadata {
            switch key {
            case "client":
                do { client = try ClientPseudonym.validated(value) } catch { throw SessionRecordError("\"# client:\" line: \(error.reason)") }
            case "date":
                guard Self.isDate(value) else { throw SessionRecordError("\"# date:\" line: \"\(TerminalText.escaped(value, limit: 40))\" is not YYYY-MM-DD") }
                date = value
            case "outcome":
                let words = value.split(separator: " ").map(String.init)
                guard let first = words.first, let seconds = Double(first), seconds.isFinite, seconds >= 0,
                      seconds <= PointTable.maxSeconds else {
                    throw SessionRecordError("\"# outcome:\" line: \"\(TerminalText.escaped(value, limit: 60))\" does not start with a time in seconds")
                }
                do { outcomes.append((Int64((seconds * 1e9).rounded()), try Outcome(words: Array(words.dropFirst())))) }
                catch { throw SessionRecordError("\"# outcome:\" line at \(first) s: \(error)") }
            default:
                continue
            }
        }
        outcomes.sort { $0.timeNs < $1.timeNs }
    }

    public static func == (a: TraceAnnotations, b: TraceAnnotations) -> Bool {
        a.client == b.client && a.date == b.date && a.outcomes.map(\.timeNs) == b.outcomes.map(\.timeNs)
            && a.outcomes.map(\.outcome) == b.outcomes.map(\.outcome)
    }

    /// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
    public static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }
}
