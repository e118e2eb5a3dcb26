import HoldfastCore
/// JSON as plain Swift values, for the control protocol and for reading
/// session files back: objects are `[String: Any]`, arrays `[Any]`, numbers
/// `Int` when integral and `Double` otherwise, then `String` and `Bool`.
/// A `null` member is left out of its object (absent and null read alike)
/// and is ``JSON/Null`` inside an array.
///
/// Why not JSONSerialization: it lives in the full Foundation, which with ICU
/// puts some 50 MB into the static binary and 3–4 MB into the daemon's
/// resident memory. Why not FoundationEssentials' JSONDecoder: reading into
/// `Any` through it cost some 40 µs a line, 40 s for a million-hold session.
public enum JSON {
    /// `null` inside an array.
    public struct Null: Equatable, Sendable {
        public init() {}
    }

    /// The object in `bytes`, or nil if they are not one JSON object (RFC 8259,
    /// UTF-8, nested at most `maxDepth` deep).
    public static func object(from bytes: some Sequence<UInt8>) -> [String: Any]? {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer -> [String: Any]? in
            var parser = Parser(buffer)
            return parser.document() as? [String: Any]
        }
        if let parsed { return parsed }
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { buffer in
            var parser = Parser(buffer)
            return parser.document() as? [String: Any]
        }
    }

    /// Deeper than any message or record Holdfast writes; bounds the parser's recursion.
    public static let maxDepth = 64

    /// `value` with its types spelled out (`i5` and `d5.0` differ, keys sorted):
    /// what tests and the fuzz target compare when "reads back the same" must
    /// include Int against Double.
    public static func typedDescription(_ value: Any) -> String {
        switch value {
        case let b as Bool: "b\(b)"
        case let i as Int: "i\(i)"
        case let d as Double: "d\(d)"
        case let s as String: "s\(s.debugDescription)"
        case let a as [Any]: "[" + a.map(typedDescription).joined(separator: ",") + "]"
        case let o as [String: Any]:
            "{" + o.keys.sorted().map { "\($0.debugDescription):\(typedDescription(o[$0] ?? Null()))" }.joined(separator: ",") + "}"
        case is Null: "null"
        default: "?"
        }
    }

    /// Compact JSON text for `value` (objects with sorted keys, so output is stable).
    public static func text(_ value: Any) -> String {
        var out: [UInt8] = []
        write(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A number as the shortest text that reads back the same; integral values without a fraction,
    /// non-finite ones as null.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Appends `s` as a JSON string: quoted, with control characters (C0, DEL and C1) escaped,
    /// so that JSON printed on a terminal cannot carry a terminal command.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case "\\": out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case "\n": out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case "\r": out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case "\t": out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            default:
                // Controls and bidirectional marks are escaped: a session file shown with `cat` or
                // `less` must not act on the terminal or reorder what is around them.
                if TerminalText.isUnsafe(scalar) {
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u".utf8)
                    for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((scalar.value >> UInt32(shift)) & 0xF)]) }
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func write(_ value: Any, to out: inout [UInt8]) {
        switch value {
        case let b as Bool: out += Array((b ? "true" : "false").utf8)
        case let i as Int: out += Array(String(i).utf8)
        case let d as Double: out += Array(number(d).utf8)
        case let s as String: appendString(s, to: &out)
        case let a as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let o as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(o[key] ?? Null(), to: &out)
            }
            out.append(UInt8(ascii: "}"))
        default: out += Array("null".utf8)
        }
    }

    /// A recursive-descent parser straight into plain values: one pass over the
    /// bytes, no Decoder machinery. `session show` reads a million lines with it,
    /// where JSONDecoder took some 40 µs a line. Numbers read as the decoder read
    /// them: `Int` when the value is integral and fits (`5`, `5.0`, `1e2`),
    /// `Double` otherwise; a number beyond Double's range refuses the document.
    /// With a repeated key, the first value counts.
    struct Parser {
        private let bytes: UnsafeBufferPointer<UInt8>
        private var i = 0
        private var depth = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// One value and nothing after it but whitespace.
        mutating func document() -> Any? {
            guard let v = value() else { return nil }
            skipSpace()
            return i == bytes.count ? v : nil
        }

        private mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        }

        private mutating func value() -> Any? {
            skipSpace()
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "{"): return nested { $0.objectBody() }
            case UInt8(ascii: "["): return nested { $0.arrayBody() }
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true", true)
            case UInt8(ascii: "f"): return literal("false", false)
            case UInt8(ascii: "n"): return literal("null", Null())
            default: return number()
            }
        }

        private mutating func nested(_ body: (inout Parser) -> Any?) -> Any? {
            guard depth < JSON.maxDepth else { return nil }
            depth += 1
            defer { depth -= 1 }
            i += 1  // the opening bracket
            return body(&self)
        }

        private mutating func objectBody() -> Any? {
            var members: [String: Any] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return members }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let v = value() else { return nil }
                if !(v is Null), members[key] == nil { members[key] = v }  // null reads as absent
                skipSpace()
                guard i < bytes.count else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "}") else { return nil }
                i += 1
                return members
            }
        }

        private mutating func arrayBody() -> Any? {
            var elements: [Any] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return elements }
            while true {
                guard let v = value() else { return nil }
                elements.append(v)
                skipSpace()
                guard i < bytes.count else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard bytes[i] == UInt8(ascii: "]") else { return nil }
                i += 1
                return elements
            }
        }

        private mutating func literal(_ word: StaticString, _ result: Any) -> Any? {
            let count = word.utf8CodeUnitCount
            guard bytes.count - i >= count else { return nil }
            for k in 0..<count where bytes[i + k] != word.utf8Start[k] { return nil }
            i += count
            return result
        }

        /// A string, its escapes resolved; nil if malformed (a raw control
        /// character, a bad escape, a lone surrogate, bytes that are not UTF-8).
        private mutating func string() -> String? {
            i += 1  // the opening quote
            var out: [UInt8] = []
            var start = i
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    i += 1
                    let text = String(decoding: out, as: UTF8.self)
                    return text.utf8.count == out.count ? text : nil  // replacement characters mean it was not UTF-8
                }
                if c < 0x20 { return nil }
                guard c == UInt8(ascii: "\\") else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                i += 1
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800...0xDBFF).contains(code) {  // a high surrogate: its low half must follow
                        guard bytes.count - i >= 2, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return nil }
                        i += 2
                        guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        return nil
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    out.append(contentsOf: Array(String(scalar).utf8))
                default:
                    return nil
                }
                start = i
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard bytes.count - i >= 4 else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: return nil
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
        private mutating func number() -> Any? {
            let start = i
            func digits() -> Int {
                let from = i
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
                return i - from
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let intStart = i
            let intDigits = digits()
            guard intDigits > 0, !(intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) else { return nil }
            var integral = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { return nil }
                integral = false
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { return nil }
                integral = false
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            if integral, let n = Int(text) { return n }
            guard let d = Double(text), d.isFinite else { return nil }
            if d == d.rounded(), d >= -9.2e18, d <= 9.2e18 { return Int(d) }
            return d
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A number member as Double, whether it was written as an integer or not.
    public func number(_ key: String) -> Double? {
        switch self[key] {
        case let d as Double: d
        case let i as Int: Double(i)
        default: nil
        }
    }
}
