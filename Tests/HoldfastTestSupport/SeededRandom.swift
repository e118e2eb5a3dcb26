/// Test randomness that can be replayed: every generator starts from a seed,
/// which a test prints with every failure. HOLDFAST_TEST_SEED replays one run.
/// A `RandomNumberGenerator`, so `Int.random(in:using:)` and friends draw from it.
public struct SeededRandom: RandomNumberGenerator {
    public let seed: UInt64
    private var state: UInt64

    /// `HOLDFAST_TEST_SEED` when set, else `fallback` (fixed per test, so a run is the same each time).
    public init(fallback: UInt64) {
        let fromEnvironment = getenv("HOLDFAST_TEST_SEED").flatMap { UInt64(String(cString: $0)) }
        seed = fromEnvironment ?? fallback
        state = seed
    }

    /// SplitMix64: a full-period 64-bit generator, the same on every machine.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// What to print with a failure, to replay it.
    public var replay: String { "seed \(seed) (HOLDFAST_TEST_SEED=\(seed) replays it)" }
}

#if canImport(Glibc)
import Glibc
#endif
