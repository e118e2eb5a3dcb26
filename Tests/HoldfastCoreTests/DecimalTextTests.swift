import HoldfastCore
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
    }

    @Test func formatsWithFixedDecimals() {
        #expect(DecimalText.format(12_345, decimals: 3) == "12.345")
        #expect(DecimalText.format(-5, decimals: 3) == "-0.005")
        #expect(DecimalText.format(7, decimals: 0) == "7")
        #expect(DecimalText.format(100, decimals: 2) == "1.00")
        #expect(DecimalText.roundedDivision(15, 10) == 2)
        #expect(DecimalText.roundedDivision(-15, 10) == -2)
        #expect(DecimalText.roundedDivision(14, 10) == 1)
    }

    @Test func formatThenParseRoundTrips() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let v = Int64.random(in: -10_000_000_000...10_000_000_000, using: &random)
            #expect(parse(DecimalText.format(v, decimals: 6), scale: 6) == .success(v))
        }
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
