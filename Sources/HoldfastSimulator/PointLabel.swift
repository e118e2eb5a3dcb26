/// Validation of the labels therapists give to treatment points
/// ("upper trapezius L"). Labels end up in session files, terminals and
/// spreadsheets, so they are short, printable, and free of the characters that
/// would break a CSV row or a terminal.
public enum PointLabel {
    public static let maxBytes = 64

    /// The label trimmed of surrounding spaces, or why it is not acceptable.
    public static func validate(_ raw: String) -> Result<String, PointLabelError> {
        let trimmed = String(Substring(raw).trimmingCharacters)
        if trimmed.utf8.count > maxBytes { return .failure(.tooLong(bytes: trimmed.utf8.count)) }
        for scalar in trimmed.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                return .failure(.controlCharacter)
            }
            if scalar == "," || scalar == "\"" { return .failure(.forbiddenCharacter(Character(scalar))) }
        }
        return .success(trimmed)
    }
}

public enum PointLabelError: Error, Equatable, CustomStringConvertible {
    case tooLong(bytes: Int)
    case controlCharacter
    case forbiddenCharacter(Character)
    case invalidUTF8

    public var description: String {
        switch self {
        case .tooLong(let n): "is \(n) bytes long (at most \(PointLabel.maxBytes))"
        case .controlCharacter: "contains a control character"
        case .forbiddenCharacter(let c): "contains \"\(c)\" (commas and double quotes are not allowed)"
        case .invalidUTF8: "is not valid UTF-8"
        }
    }
}

extension Substring {
    var trimmingCharacters: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
