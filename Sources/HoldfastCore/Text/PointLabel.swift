
/// Validation of the text therapists type: labels of treatment points
/// ("upper trapezius L") and notes of marks ("client reports relief"). Both end
/// up in session files, terminals and spreadsheets, so both follow one rule:
/// trimmed, bounded in length, and without what a terminal would act on or
/// reorder (C0, DEL, C1, bidirectional overrides: `TerminalText.isUnsafe`).
/// Labels are also short and free of commas and double quotes, which would
/// break a CSV row.
public enum PointLabel {
    public static let maxBytes = 64
    /// A mark's note may say a little more than a label.
    public static let maxNoteBytes = 200

    /// The label trimmed of surrounding spaces, or why it is not acceptable.
    public static func validate(_ raw: String) -> Result<String, PointLabelError> {
        validateText(raw, maxBytes: maxBytes).flatMap { label in
            if let c = label.unicodeScalars.first(where: { $0 == "," || $0 == "\"" }) {
                return .failure(.forbiddenCharacter(Character(c)))
            }
            return .success(label)
        }
    }

    /// A mark's note: the same rule as a label, longer, commas and quotes allowed.
    public static func validateNote(_ raw: String) -> Result<String, PointLabelError> {
        validateText(raw, maxBytes: maxNoteBytes)
    }

    /// The rule shared by labels and notes.
    private static func validateText(_ raw: String, maxBytes: Int) -> Result<String, PointLabelError> {
        let trimmed = String(Substring(raw).trimmingCharacters)
        if trimmed.utf8.count > maxBytes { return .failure(.tooLong(bytes: trimmed.utf8.count, maxBytes: maxBytes)) }
        if TerminalText.containsUnsafe(trimmed) { return .failure(.controlCharacter) }
        return .success(trimmed)
    }
}

public enum PointLabelError: Error, Equatable, CustomStringConvertible {
    case tooLong(bytes: Int, maxBytes: Int)
    case controlCharacter
    case forbiddenCharacter(Character)
    case invalidUTF8

    public var description: String {
        switch self {
        case .tooLong(let n, let limit): "is \(n) bytes long (at most \(limit))"
        case .controlCharacter: "contains a control character"
        case .forbiddenCharacter(let c): "contains \"\(c)\" (commas and double quotes are not allowed)"
        case .invalidUTF8: "is not valid UTF-8"
        }
    }
}
