/// Text from files and clients, made safe to show on a terminal.
///
/// A trace header, a field or a label can carry ESC sequences that recolour,
/// move the cursor or retitle the terminal of whoever reads the error message,
/// and a megabyte-long field would flood it. Quoted input therefore goes through
/// `escaped`: control characters become visible escapes and long text is cut.
public enum TerminalText {
    /// `text` with every C0 control, DEL, C1 control and bidirectional-override
    /// character written as an escape (`\t`, `\n`, `\r`, `\x1b`, `\u{9b}`,
    /// `\u{202e}`), cut after `limit` characters (Unicode scalars) with "…".
    /// Printable text, backslashes included, is unchanged.
    public static func escaped(_ text: some StringProtocol, limit: Int = 80) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            count += 1
            append(scalar, to: &out)
        }
        return out
    }

    /// Raw bytes as UTF-8 (invalid sequences shown as U+FFFD), escaped and cut like text.
    /// Decodes only as many bytes as `limit` characters can take.
    public static func escaped(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 80) -> String {
        // A scalar takes at most 4 bytes, so this prefix still holds limit + 1 of them when cut.
        let needed = limit < (Int.max - 8) / 4 ? limit * 4 + 4 : Int.max
        return escaped(String(decoding: bytes.prefix(needed), as: UTF8.self), limit: limit)
    }

    /// Whether `text` has a character `escaped` would rewrite: what labels and notes
    /// may not contain (see PointLabel), and what no escaped text still has.
    public static func containsUnsafe(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isUnsafe)
    }

    /// Whether `scalar` would act on a terminal or reorder the text around it instead of showing.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true                 // C0, DEL, C1
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional marks and overrides
        default: false
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        guard isUnsafe(scalar) else {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\t": out += "\\t"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        default:
            let hex = String(scalar.value, radix: 16)
            out += scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{" + hex + "}"
        }
    }
}
