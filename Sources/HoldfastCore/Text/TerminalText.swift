/// Text from a file or a client, made safe to print on a terminal.
///
/// Labels, notes, file names and error messages come from outside: a session
/// file, a trace header, a configuration file, a client on the socket. Printed
/// as they are, an ESC in them is a terminal command (move the cursor, retitle
/// the window, rewrite what the therapist sees); a lone CR overwrites the line.
/// Everything that prints such text goes through `escaped`, so a control
/// character shows as a visible escape instead of acting.
public enum TerminalText {
    /// `text` with every control character (C0, DEL and C1) shown as an escape:
    /// `\t`, `\n`, `\r` by name, the rest as `\u{1B}`. Everything else, a backslash
    /// included, is left as it is: this is for reading, not for parsing back.
    /// With `maxCharacters`, longer text is cut there and ends in "…".
    public static func escaped<S: StringProtocol>(_ text: S, maxCharacters: Int? = nil) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if let limit = maxCharacters, count >= limit {
                out += "…"
                break
            }
            count += 1
            guard isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out += "\\u{" + hex(scalar.value) + "}"
            }
        }
        return out
    }

    /// Whether `text` has a character `escaped` would rewrite.
    public static func containsControl<S: StringProtocol>(_ text: S) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F): the characters a
    /// terminal may act on rather than show. C1 matters too: U+009B is a one-character CSI.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var v = value
        var out: [UInt8] = []
        repeat {
            out.append(digits[Int(v & 0xF)])
            v >>= 4
        } while v != 0
        if out.count == 1 { out.append(UInt8(ascii: "0")) }
        return String(decoding: out.reversed(), as: UTF8.self)
    }
}
