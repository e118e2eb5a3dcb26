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
    /// value × 10^`scale`, rounded half away from zero, exactly for any number of
    /// digits: only values whose result does not fit in an `Int64` are refused (`outOfRange`).
    ///
    /// Two passes over the text: the first finds where the digits, the point and
    /// the exponent are; the second accumulates exactly the digits that land left
    /// of the scaled point and looks at the next one to round.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Result<Int64, ParseError> {
        let n = bytes.count
        guard n > 0 else { return .failure(.empty) }
        var i = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative || bytes[0] == UInt8(ascii: "+") { i = 1 }
        let digitsStart = i
        var point = -1
        var digitCount = 0
        while i < n {
            let c = bytes[i]
            if c &- UInt8(ascii: "0") < 10 {
                digitCount += 1
            } else if c == UInt8(ascii: ".") && point < 0 {
                point = i
            } else {
                break
            }
            i += 1
        }
        let digitsEnd = i
        guard digitCount > 0 else {
            return isNonFiniteWord(bytes, from: digitsStart) ? .failure(.notFinite) : .failure(.notANumber)
        }
        // Saturates far beyond any digit count, so a huge exponent stays huge.
        let exponentLimit = 1 << 40
        var exponent = 0
        if i < n {
            guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return .failure(.notANumber) }
            i += 1
            var exponentNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < n else { return .failure(.notANumber) }
            while i < n {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { return .failure(.notANumber) }
                if exponent < exponentLimit { exponent = exponent * 10 + Int(d) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        // How many leading digits (leading zeros included) lie left of the scaled point.
        let integerDigits = (point < 0 ? digitsEnd : point) - digitsStart
        let kept = integerDigits + exponent + max(-exponentLimit, min(exponentLimit, scale))
        guard kept >= 0 else { return .success(0) }  // below 0.1 after scaling
        var value: UInt64 = 0
        var taken = 0
        var roundUp = false
        var j = digitsStart
        while j < digitsEnd {
            let d = bytes[j] &- UInt8(ascii: "0")
            j += 1
            if d >= 10 { continue }  // the point
            if taken == kept {
                roundUp = d >= 5  // half away from zero needs only the first dropped digit
                break
            }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(UInt64(d))
            guard !o1 && !o2 && sum <= UInt64(Int64.max) else { return .failure(.outOfRange) }
            value = sum
            taken += 1
        }
        if value != 0 {
            while taken < kept {  // exponent beyond the digits: zeros; overflows within 19 steps
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow && shifted <= UInt64(Int64.max) else { return .failure(.outOfRange) }
                value = shifted
                taken += 1
            }
        }
        if roundUp {
            guard value < UInt64(Int64.max) else { return .failure(.outOfRange) }
            value += 1
        }
        return .success(negative ? -Int64(value) : Int64(value))
    }

    @usableFromInline
    static func isNonFiniteWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var word: [UInt8] = []
        for b in bytes[start...] { word.append(b | 0x20) }  // ASCII lower case
        return word == Array("nan".utf8) || word == Array("inf".utf8) || word == Array("infinity".utf8)
    }

    /// Appends `value / 10^decimals` as text with exactly `decimals` digits after the point.
    /// Writes the digits in place from the right: no temporary arrays (traces and session files call this per field).
    public static func append(_ value: Int64, decimals: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let places = max(0, decimals)
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let whole = max(digits - places, 1)  // at least "0" before the point
        var index = out.count + whole + places + (places > 0 ? 1 : 0)
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: index - out.count))
        for place in 0..<(places + whole) {
            if place == places && places > 0 {
                index -= 1
                out[index] = UInt8(ascii: ".")
            }
            index -= 1
            out[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
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
}
