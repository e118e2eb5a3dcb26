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
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Any, to out: inout String) {
        switch value {
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let d as Double: out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)") : "null"
        case let s as String: writeString(s, to: &out)
        case let a as [Any]:
            out += "["
            for (i, element) in a.enumerated() {
                if i > 0 { out += "," }
                write(element, to: &out)
            }
            out += "]"
        case let o as [String: Any]:
            out += "{"
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(o[key] ?? Null(), to: &out)
            }
            out += "}"
        default: out += "null"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
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
