/// Running median of the last five values: removes spikes one or two samples
/// long (an ESD glitch, a bit error on the bus) without smearing them into the
/// low-pass, and passes ramps unchanged apart from a two-sample delay.
public struct SpikeRejector: Sendable {
    /// Delay a monotonic ramp sees through the median, in samples.
    public static let delaySamples = 2

    @usableFromInline var h0: Int32 = 0, h1: Int32 = 0, h2: Int32 = 0, h3: Int32 = 0
    @usableFromInline var primed = false

    public init() {}

    @inlinable @inline(__always)
    public mutating func step(_ x: Int32) -> Int32 {
        if _slowPath(!primed) { (h0, h1, h2, h3, primed) = (x, x, x, x, true) }
        let m = Self.median5(h0, h1, h2, h3, x)
        (h0, h1, h2, h3) = (h1, h2, h3, x)
        return m
    }

    /// Branch-free median of five: the median of `e` and the two middle
    /// candidates `max(min(a,b), min(c,d))` and `min(max(a,b), max(c,d))`.
    @inlinable @inline(__always)
    public static func median5(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32, _ e: Int32) -> Int32 {
        let f = max(min(a, b), min(c, d))
        let g = min(max(a, b), max(c, d))
        return median3(e, f, g)
    }

    @inlinable @inline(__always)
    static func median3(_ x: Int32, _ y: Int32, _ z: Int32) -> Int32 {
        max(min(x, y), min(max(x, y), z))
    }
}
