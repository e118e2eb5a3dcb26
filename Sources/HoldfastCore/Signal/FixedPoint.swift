/// Forces travel through the core as **Q16.16 newtons** in an `Int32`:
/// 15 µN resolution, far below any load cell's noise, and ±32 768 N of range,
/// far above any hand. Integer arithmetic makes every result bit-identical
/// on every machine.
public enum Q16 {
    /// Largest force the signal path accepts (±8192 N). Clamping inputs here is
    /// what proves the filter's 64-bit accumulator cannot overflow.
    public static let inputLimit: Int32 = 1 << 29

    /// The nearest Q16.16 value to `newtons`, or `nil` if it is not finite or out of `Int32` range.
    public static func fromNewtons(_ newtons: Double) -> Int32? {
        guard newtons.isFinite else { return nil }
        let scaled = (newtons * 65536).rounded()
        guard scaled >= Double(Int32.min), scaled <= Double(Int32.max) else { return nil }
        return Int32(scaled)
    }

    /// The value in newtons (exact: every Q16.16 value is a Double).
    @inlinable
    public static func newtons(_ q: Int32) -> Double { Double(q) / 65536 }

    /// Same as `newtons`, for the wider intermediate results of averages.
    @inlinable
    public static func newtons(_ q: Int64) -> Double { Double(q) / 65536 }
}

extension Int64 {
    /// Clamps to the `Int32` range.
    @inlinable @inline(__always)
    var saturatedInt32: Int32 {
        Int32(truncatingIfNeeded: Swift.min(Swift.max(self, Int64(Int32.min)), Int64(Int32.max)))
    }
}

/// `a * b / c` rounded toward zero, without overflowing the product.
/// `c` must be non-zero and the quotient must fit an `Int64` (true for every caller:
/// the quotient is an interpolated time between two samples).
@inlinable
func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
    let product = Int128(a) * Int128(b)
    return Int64(truncatingIfNeeded: product / Int128(c))
}
