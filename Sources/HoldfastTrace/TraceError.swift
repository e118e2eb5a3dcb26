import HoldfastCore
import HoldfastPOSIX

/// A trace that cannot be replayed, with the place and the reason.
///
/// Text quoted from the trace (header, fields, labels) is already escaped and
/// cut by the reader (``TerminalText``); the path is escaped here, so the
/// description is safe to print on a terminal.
public struct TraceError: Error, Equatable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case cannotOpen(errno: Int32)
        /// A FIFO, directory or device: reading it could block or never end.
        case notARegularFile(kind: String)
        case readFailed(errno: Int32)
        case empty
        case missingHeader(found: String)
        case fieldCount(expected: String, found: Int)
        case emptyField(column: String)
        case notANumber(column: String, text: String)
        case notFinite(column: String, text: String)
        case outOfRange(column: String, text: String)
        case timeWentBackwards(previous: String, now: String)
        case lineTooLong(limit: Int)
        case invalidLabel(label: String, why: String)
        /// An `event` value the format does not define.
        case unknownEvent(text: String, known: [String])
        case tooFewSamples(Int)
        case rateOutOfRange(hz: Double)
        case timeSpanTooLarge
    }

    public let path: String
    /// 1-based line number, when the problem is on one line.
    public let line: Int?
    public let reason: Reason

    public init(path: String, line: Int?, reason: Reason) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let shownPath = TerminalText.escaped(path, limit: 4096)
        let place = line.map { "\(shownPath):\($0)" } ?? shownPath
        return "\(place): \(reasonText)"
    }

    var reasonText: String {
        switch reason {
        case .cannotOpen(let e): "cannot open trace: \(SystemError.describe(e))"
        case .notARegularFile(let kind): "cannot read a trace from \(kind): a trace must be a regular file"
        case .readFailed(let e): "read failed: \(SystemError.describe(e))"
        case .empty: "the trace is empty"
        case .missingHeader(let found):
            "missing header: expected \"time_s,force_n\", optionally followed by \",point\" and \",event\", found \"\(found)\""
        case .fieldCount(let expected, let found): "expected \(expected) fields, found \(found)"
        case .emptyField(let column): "\(column) is empty"
        case .notANumber(let column, let text): "\(column) is not a number: \"\(text)\""
        case .notFinite(let column, let text): "\(column) must be a finite number, found \"\(text)\""
        case .outOfRange(let column, let text): "\(column) is out of range: \"\(text)\""
        case .timeWentBackwards(let previous, let now):
            "time_s goes backwards: \(now) s after \(previous) s (time must be non-decreasing)"
        case .lineTooLong(let limit): "line longer than \(limit) bytes"
        case .invalidLabel(let label, let why): "point label \"\(label)\" \(why)"
        case .unknownEvent(let text, let known):
            "event \"\(text)\" is not known (an event is empty or one of: \(known.joined(separator: ", ")))"
        case .tooFewSamples(let n): "a trace needs at least 2 samples with increasing times, found \(n)"
        case .timeSpanTooLarge:
            "the times span more than 292 years; time_s must be seconds of one recording"
        case .rateOutOfRange(let hz):
            "the sample rate estimated from the first intervals is \(hz) Hz; supported is 40 Hz to 20 kHz"
        }
    }
}

