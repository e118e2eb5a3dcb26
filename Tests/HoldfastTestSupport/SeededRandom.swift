import HoldfastCore

/// Test randomness that can be replayed: every generator starts from a seed,
/// which a test prints with every failure. HOLDFAST_TEST_SEED replays one run.
/// A `RandomNumberGenerator`, so `Int.random(in:using:)` and friends draw from it.
public struct SeededRandom: RandomNumberGenerator {
    public let seed: UInt64
    private var generator: SplitMix64

    /// `HOLDFAST_TEST_SEED` when set, else `fallback` (fixed per test, so a run is the same each time).
    public init(fallback: UInt64) {
        let fromEnvironment = getenv("HOLDFAST_TEST_SEED").flatMap { UInt64(String(cString: $0)) }
        seed = fromEnvironment ?? fallback
        generator = SplitMix64(seed: seed)
    }

    /// The simulator's generator: full period, the same on every machine.
    public mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { generator.unit() }

    /// What to print with a failure, to replay it.
    public var replay: String { "seed \(seed) (HOLDFAST_TEST_SEED=\(seed) replays it)" }
}

#if canImport(Glibc)
import Glibc
#endif
