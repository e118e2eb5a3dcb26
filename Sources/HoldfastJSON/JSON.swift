import FoundationEssentials

/// JSON as plain Swift values, for the control protocol and for reading
/// session files back: objects are `[String: Any]`, arrays `[Any]`, numbers
/// `Int` when integral and `Double` otherwise, then `String` and `Bool`.
/// A `null` member is left out of its object (absent and null read alike)
/// and is ``JSON/Null`` inside an array.
///
/// Why not JSONSerialization: it lives in the full Foundation, which with ICU
/// puts some 50 MB into the static binary and 3–4 MB into the daemon's
/// resident memory; FoundationEssentials' decoder is enough.
public enum JSON {
    /// `null` inside an array.
    public struct Null: Equatable, Sendable {
        public init() {}
    }

    /// The object in `bytes`, or nil if they are not one JSON object.
    public static func object(from bytes: some Sequence<UInt8>) -> [String: Any]? {
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(bytes)) else { return nil }
        return value.any as? [String: Any]
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
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8)
                    out.append(hex[Int(scalar.value >> 4)])
                    out.append(hex[Int(scalar.value & 0xF)])
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

    /// Any JSON value, decoded into plain Swift values.
    private struct Value: Decodable {
        let any: Any

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            if let object = try? decoder.container(keyedBy: Key.self) {
                var members: [String: Any] = [:]
                for key in object.allKeys where try !object.decodeNil(forKey: key) {
                    members[key.stringValue] = try object.decode(Value.self, forKey: key).any
                }
                any = members
            } else if var array = try? decoder.unkeyedContainer() {
                var elements: [Any] = []
                while !array.isAtEnd {
                    if try array.decodeNil() { elements.append(Null()) } else { elements.append(try array.decode(Value.self).any) }
                }
                any = elements
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() { any = Null() }
                else if let b = try? single.decode(Bool.self) { any = b }
                else if let i = try? single.decode(Int.self) { any = i }
                else if let d = try? single.decode(Double.self) { any = d }
                else { any = try single.decode(String.self) }
            }
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
