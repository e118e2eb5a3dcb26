import HoldfastCore
import HoldfastJSON

/// Builds one JSON object on one line with fields in a fixed order, so that
/// session files diff cleanly and golden files compare byte for byte.
/// Numbers come from integers with a fixed number of decimals (no float
/// printing in the data path).
public struct JSONLine {
    public private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var first = true

    public init() {}

    private mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        JSON.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { JSON.appendString(value, to: &bytes) } else { bytes += Array("null".utf8) }
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        bytes += Array(String(value).utf8)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bytes += Array((value ? "true" : "false").utf8)
    }

    /// A decimal number given as `scaled / 10^decimals`.
    public mutating func field(_ name: String, scaled: Int64, decimals: Int) {
        key(name)
        DecimalText.append(scaled, decimals: decimals, to: &bytes)
    }

    /// The same, or null.
    public mutating func field(_ name: String, scaled: Int64?, decimals: Int) {
        guard let scaled else { return field(name, nil as String?) }
        field(name, scaled: scaled, decimals: decimals)
    }

    /// A configuration value, printed as the shortest text that reads back the same.
    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        bytes += Array(JSON.number(value).utf8)
    }

    /// A nested value already encoded as JSON.
    public mutating func field(_ name: String, raw json: [UInt8]) {
        key(name)
        bytes += json
    }

    /// The finished line, with its newline.
    public func line() -> [UInt8] { bytes + [UInt8(ascii: "}"), UInt8(ascii: "\n")] }

    /// The finished object without a newline, for nesting.
    public func object() -> [UInt8] { bytes + [UInt8(ascii: "}")] }

    /// A configuration number as JSON, for arrays.
    public static func number(_ value: Double) -> [UInt8] { Array(JSON.number(value).utf8) }

    /// A string as JSON, for arrays.
    public static func string(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        JSON.appendString(value, to: &out)
        return out
    }

    public static func array(_ elements: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, e) in elements.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += e
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
