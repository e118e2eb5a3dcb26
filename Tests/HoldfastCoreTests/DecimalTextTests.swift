import HoldfastCore
import HoldfastTestSupport
import Testing

@Suite("Decimal text")
struct DecimalTextTests {
    func parse(_ s: String, scale: Int) -> Result<Int64, DecimalText.ParseError> {
        Array(s.utf8).withUnsafeBufferPointer { DecimalText.parse($0, scale: scale) }
    }

    @Test(arguments: [
        ("0", 9, Int64(0)), ("1", 9, 1_000_000_000), ("0.001", 9, 1_000_000), ("12.3456", 4, 123_456),
        ("-12.3456", 4, -123_456), ("+7.5", 1, 75), (".5", 1, 5), ("5.", 0, 5), ("1e-3", 9, 1_000_000),
        ("2.5E2", 0, 250), ("0.00005", 4, 1), ("0.00004", 4, 0), ("-0.00005", 4, -1), ("1.99999", 4, 20_000),
        ("123456789012345678901", -3, 123_456_789_012_345_679),
        // More than 18 significant digits: every digit counts (issue 10: this gave …781).
        ("1700000000.123456789", 9, 1_700_000_000_123_456_789), ("-1700000000.1234567895", 9, -1_700_000_000_123_456_790),
        ("9223372036854775807", 0, Int64.max), ("-9223372036854775807", 0, -Int64.max),
        ("9223372036.8547758074999", 9, Int64.max), ("0.1234567890123456789012345678905", 18, 123_456_789_012_345_679),
        ("0000000000000000000000000000012.5", 0, 13), ("1234567890123456789012345e-20", 4, 123_456_789),
    ])
    func parsesExactly(text: String, scale: Int, expected: Int64) {
        #expect(parse(text, scale: scale) == .success(expected), "\(text)")
    }

    @Test func rejectsWhatIsNotANumber() {
        #expect(parse("", scale: 0) == .failure(.empty))
        #expect(parse("abc", scale: 0) == .failure(.notANumber))
        #expect(parse("1.2.3", scale: 0) == .failure(.notANumber))
        #expect(parse("1e", scale: 0) == .failure(.notANumber))
        #expect(parse("12x", scale: 0) == .failure(.notANumber))
        #expect(parse("NaN", scale: 0) == .failure(.notFinite))
        #expect(parse("-inf", scale: 0) == .failure(.notFinite))
        #expect(parse("Infinity", scale: 0) == .failure(.notFinite))
        #expect(parse("1e30", scale: 0) == .failure(.outOfRange))
        #expect(parse("9223372036854775808", scale: 0) == .failure(.outOfRange))
        #expect(parse("9223372036.8547758075", scale: 9) == .failure(.outOfRange))  // rounds up past Int64.max
        #expect(parse("1e99999999999999999999", scale: 0) == .failure(.outOfRange))
        #expect(parse("1e-99999999999999999999", scale: 0) == .success(0))
    }

    @Test func formatsWithFixedDecimals() {
        #expect(DecimalText.format(12_345, decimals: 3) == "12.345")
        #expect(DecimalText.format(-5, decimals: 3) == "-0.005")
        #expect(DecimalText.format(7, decimals: 0) == "7")
        #expect(DecimalText.format(100, decimals: 2) == "1.00")
        #expect(DecimalText.format(0, decimals: 0) == "0" && DecimalText.format(0, decimals: 3) == "0.000")
        #expect(DecimalText.format(-1_234_567, decimals: 2) == "-12345.67")
        #expect(DecimalText.format(Int64.min, decimals: 9) == "-9223372036.854775808")
        #expect(DecimalText.format(Int64.max, decimals: 0) == "9223372036854775807")
        #expect(DecimalText.format(42, decimals: 25) == "0.0000000000000000000000042")
        var out = Array("x=".utf8)
        DecimalText.append(-5, decimals: 1, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x=-0.5")
        #expect(DecimalText.roundedDivision(15, 10) == 2)
        #expect(DecimalText.roundedDivision(-15, 10) == -2)
        #expect(DecimalText.roundedDivision(14, 10) == 1)
    }

    @Test func formatThenParseRoundTrips() {
        var random = SeededRandom(fallback: 0x0DEC_1A11)
        let replay = random.replay
        for _ in 0..<1000 {
            let v = Int64.random(in: -10_000_000_000...10_000_000_000, using: &random)
            #expect(parse(DecimalText.format(v, decimals: 6), scale: 6) == .success(v), "\(replay)")
        }
    }

    /// Random decimal strings of 1–40 digits (signs, points, exponents, leading zeros) against
    /// ``ExactDecimalReference``, which works on the digit string itself.
    @Test func matchesAnExactReferenceOnRandomText() {
        var random = SeededRandom(fallback: 0x0DEC_1A12)
        let replay = random.replay
        for _ in 0..<20_000 {
            let number = ExactDecimalReference.random(using: &random)
            let scale = [-3, 0, 1, 4, 6, 9, 12, 18][Int.random(in: 0..<8, using: &random)]
            let expected = number.scaled(by: scale)
            let got = parse(number.text, scale: scale)
            #expect(got == expected, "\(number.text) at scale \(scale), \(replay)")
            if got != expected { return }
        }
    }
}

/// An independent exact answer: the decimal point moved in the digit string, then
/// rounded half away from zero by decimal string arithmetic (no binary integers
/// until the result is known to fit).
struct ExactDecimalReference {
    var negative: Bool
    var integerDigits: [UInt8]   // ASCII digits before the point
    var fractionDigits: [UInt8]  // after it
    var exponent: Int?
    var text: String

    static func random(using random: inout SeededRandom) -> ExactDecimalReference {
        let total = Int.random(in: 1...40, using: &random)
        let before = Int.random(in: 0...total, using: &random)
        var digits = (0..<total).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random) }
        if Bool.random(using: &random) {  // runs of zeros and nines, where rounding carries
            let fill = Bool.random(using: &random) ? UInt8(ascii: "0") : UInt8(ascii: "9")
            let from = Int.random(in: 0..<total, using: &random)
            for k in from..<min(total, from + Int.random(in: 1...20, using: &random)) { digits[k] = fill }
        }
        let sign = ["", "-", "+"][Int.random(in: 0..<3, using: &random)]
        let exponent: Int? = Int.random(in: 0..<3, using: &random) == 0 ? Int.random(in: -45...45, using: &random) : nil
        let integer = Array(digits[..<before]), fraction = Array(digits[before...])
        var text = sign + String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty || Bool.random(using: &random) { text += "." }
        text += String(decoding: fraction, as: UTF8.self)
        if let exponent { text += (Bool.random(using: &random) ? "e" : "E") + (exponent >= 0 && Bool.random(using: &random) ? "+" : "") + "\(exponent)" }
        return ExactDecimalReference(negative: sign == "-", integerDigits: integer, fractionDigits: fraction,
                                     exponent: exponent, text: text)
    }

    /// value × 10^scale rounded half away from zero, or out of range beyond Int64.
    func scaled(by scale: Int) -> Result<Int64, DecimalText.ParseError> {
        let digits = integerDigits + fractionDigits
        let point = integerDigits.count + (exponent ?? 0) + scale  // the point's new place in `digits`
        var whole: [UInt8]
        var firstDropped = UInt8(ascii: "0")
        if point <= 0 {
            whole = []
            if point == 0 { firstDropped = digits[0] }
        } else if point >= digits.count {
            whole = digits + [UInt8](repeating: UInt8(ascii: "0"), count: point - digits.count)
        } else {
            whole = Array(digits[..<point])
            firstDropped = digits[point]
        }
        whole = Array(whole.drop(while: { $0 == UInt8(ascii: "0") }))
        if firstDropped >= UInt8(ascii: "5") {  // add one, carrying through nines
            var k = whole.count - 1
            while k >= 0 && whole[k] == UInt8(ascii: "9") { whole[k] = UInt8(ascii: "0"); k -= 1 }
            if k >= 0 { whole[k] += 1 } else { whole.insert(UInt8(ascii: "1"), at: 0) }
        }
        let limit = Array("9223372036854775807".utf8)
        if whole.count > limit.count || (whole.count == limit.count && limit.lexicographicallyPrecedes(whole)) {
            return .failure(.outOfRange)
        }
        var value: Int64 = 0
        for d in whole { value = value * 10 + Int64(d - UInt8(ascii: "0")) }
        return .success(negative ? -value : value)
    }
}

@Suite("Fixed decimals")
struct FixedDecimalsTests {
    @Test func matchesPrintfForOrdinaryValues() {
        #expect(DecimalText.fixed(61.25, decimals: 1) == "61.3")  // half away from zero
        #expect(DecimalText.fixed(-0.05, decimals: 1) == "-0.1")
        #expect(DecimalText.fixed(3, decimals: 3) == "3.000")
        #expect(DecimalText.fixed(0.0004, decimals: 3) == "0.000")
        #expect(DecimalText.fixed(1234.5, decimals: 0) == "1235")
        #expect(DecimalText.fixed(.nan, decimals: 2) == "nan" && DecimalText.fixed(-1e300, decimals: 2) == "-inf")
    }
}
