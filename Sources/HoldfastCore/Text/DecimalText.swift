/// Exact conversion between decimal text and scaled integers.
///
/// Traces and session files are text, and the core is integer. Going through
/// `Double` would make the result depend on the parser's rounding; parsing the
/// digits straight into an integer of a chosen decimal scale (seconds into
/// nanoseconds, newtons into 0.1 mN counts) is exact, fast, and the same on
/// every machine.
public enum DecimalText {
    /// Why a field is not a decimal number.
    public enum ParseError: Error, Equatable, Sendable {
        case empty
        case notANumber
        /// "nan", "inf", "infinity" in any case: numbers, but not measurements.
        case notFinite
        case outOfRange
    }

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` from `bytes` and returns the
    /// value × 10^`scale`, rounded half away from zero.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Result<Int64, ParseError> {
        var i = 0
        let n = bytes.count
        guard n > 0 else { return .failure(.empty) }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: Int64 = 0
        var significant = 0     // digits kept in the mantissa
        var exponent = 0        // power of ten applied to the mantissa
        var firstDropped: UInt8 = 0  // first digit that did not fit, for rounding
        var sawDigit = false
        var sawPoint = false
        while i < n {
            let c = bytes[i]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                sawDigit = true
                let d = Int64(c &- UInt8(ascii: "0"))
                if significant < 18 {
                    if mantissa != 0 || d != 0 { significant += 1 }
                    mantissa = mantissa * 10 + d
                    if sawPoint { exponent -= 1 }
                } else {
                    if firstDropped == 0 { firstDropped = UInt8(d) + 1 }
                    if !sawPoint { exponent += 1 }
                }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else {
            return isNonFiniteWord(bytes, from: negative || bytes[0] == UInt8(ascii: "+") ? 1 : 0)
                ? .failure(.notFinite) : .failure(.notANumber)
        }
        if i < n {
            guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return .failure(.notANumber) }
            i += 1
            var expNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < n else { return .failure(.notANumber) }
            var e = 0
            while i < n {
                let c = bytes[i]
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return .failure(.notANumber) }
                if e < 10_000 { e = e * 10 + Int(c &- UInt8(ascii: "0")) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        var value = mantissa
        var shift = exponent + scale
        if firstDropped != 0 && shift < 0 { firstDropped = 0 }  // rounding below is on kept digits
        if mantissa == 0 { return .success(0) }
        if shift >= 0 {
            while shift > 0 {
                let (m, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow else { return .failure(.outOfRange) }
                value = m
                shift -= 1
            }
            if firstDropped >= 6 { value += 1 }  // the digit after the last kept one is ≥ 5
        } else {
            if shift < -18 { return .success(0) }
            var divisor: Int64 = 1
            for _ in 0 ..< -shift { divisor *= 10 }
            let (q, r) = value.quotientAndRemainder(dividingBy: divisor)
            value = q + (r * 2 >= divisor ? 1 : 0)
        }
        return .success(negative ? -value : value)
    }

    @usableFromInline
    static func isNonFiniteWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var word: [UInt8] = []
        for b in bytes[start...] { word.append(b | 0x20) }  // ASCII lower case
        return word == Array("nan".utf8) || word == Array("inf".utf8) || word == Array("infinity".utf8)
    }

    /// Appends `value / 10^decimals` as text with exactly `decimals` digits after the point.
    public static func append(_ value: Int64, decimals: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<decimals { divisor *= 10 }
        let whole = magnitude / divisor
        var fraction = magnitude % divisor
        appendDigits(whole, to: &out)
        guard decimals > 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: decimals)
        var k = decimals - 1
        while fraction > 0 && k >= 0 {
            digits[k] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
            k -= 1
        }
        out.append(contentsOf: digits)
    }

    /// `value` with exactly `decimals` digits after the point, rounded half away
    /// from zero: `String(format: "%.2f")` without Foundation (printf rounds exact ties to even).
    /// Non-finite values and magnitudes beyond Int64 at that scale print as "nan", "inf" or "-inf".
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9.2e18 else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
        return format(Int64(scaled), decimals: decimals)
    }

    /// `value / 10^decimals` as a string (see `append`).
    public static func format(_ value: Int64, decimals: Int) -> String {
        var out: [UInt8] = []
        append(value, decimals: decimals, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `numerator / denominator` rounded half away from zero (denominator > 0).
    public static func roundedDivision(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        if r.magnitude * 2 >= denominator.magnitude { return q + (numerator < 0 ? -1 : 1) }
        return q
    }

    private static func appendDigits(_ v: UInt64, to out: inout [UInt8]) {
        if v >= 10 { appendDigits(v / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(v % 10))
    }
}
