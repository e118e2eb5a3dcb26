/// Lines and comments of the hand-edited text files (the daemon's
/// configuration, scenarios): what an editor on any system may save.
public enum TextLines {
    /// The lines of `text`, ended by LF, CRLF or a lone CR (an old Mac editor),
    /// without their endings and without a leading UTF-8 byte-order mark (some
    /// Windows editors write one). Line numbers are the index + 1.
    ///
    /// Swift sees "\r\n" as one Character, so splitting on "\n" alone would
    /// read a CRLF file as a single line.
    public static func split(_ text: String) -> [Substring] {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        return body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }

    /// `line` without its comment: `#` starts a comment at the start of the line
    /// or after a space or tab, so `client = ab#cd` keeps its `#` (and is then
    /// judged by the key's own rules) while `alarm_level = 7  # firm` is 7.
    public static func withoutComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        for index in line.indices {
            let c = line[index]
            if c == "#" && (previous == " " || previous == "\t") { return line[..<index] }
            previous = c
        }
        return line
    }

    /// One `KEY = VALUE` line of a configuration file, with its number.
    public struct KeyValue: Equatable, Sendable {
        public let line: Int
        public let key: String
        public let value: String
    }

    /// A line of a configuration file that is neither blank, a comment nor `KEY = VALUE`.
    public struct NotKeyValue: Error, Equatable {
        public let line: Int
        public let text: String
    }

    /// The `KEY = VALUE` lines of a configuration file (the daemon's, the sync's),
    /// trimmed, comments and blank lines left out: one parser for every such file.
    public static func keyValues(_ text: String) throws(NotKeyValue) -> [KeyValue] {
        var result: [KeyValue] = []
        for (index, raw) in split(text).enumerated() {
            let line = withoutComment(raw)
            guard !String(line).trimmingCharacters.isEmpty else { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw NotKeyValue(line: index + 1, text: String(line).trimmingCharacters)
            }
            result.append(KeyValue(line: index + 1, key: String(line[..<eq]).trimmingCharacters,
                                   value: String(line[line.index(after: eq)...]).trimmingCharacters))
        }
        return result
    }
}
