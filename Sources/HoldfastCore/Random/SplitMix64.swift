/// A small, seeded, platform-independent random generator (SplitMix64).
/// The simulator draws all its noise from this so a scenario's trace is the
/// same on every machine, and the tests' seeded randomness is this too.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Approximately standard normal (Irwin–Hall sum of twelve uniforms):
    /// only basic arithmetic, so it is bit-identical everywhere; tails are cut at ±6σ.
    public mutating func gaussian() -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += unit() }
        return sum - 6
    }
}
