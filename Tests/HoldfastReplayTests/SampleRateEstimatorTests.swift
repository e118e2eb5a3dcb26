import HoldfastReplay
import HoldfastTestSupport
import Testing

@Suite("Sample rate estimator")
struct SampleRateEstimatorTests {
    /// Seeded, printed with every failure.
    static let seed: UInt64 = 0x5EED_2026

    static func rate(_ times: [Int64]) -> Double? { try? SampleRateEstimator.estimate(timestampsNs: times).get() }

    @Test func regularTimes() {
        let times = (0..<4096).map { Int64($0) * 3_125_000 }  // 320 Hz
        #expect(Self.rate(times) == 320)
    }

    @Test("host-side bursts", arguments: [(320.0, 5), (320.0, 10), (1000.0, 16), (80.0, 3)])
    func bursts(rate: Double, perBurst: Int) {
        // Rows sampled at `rate`, delivered `perBurst` at a time, stamped 0.2 ms apart on arrival.
        let period = 1e9 / rate
        let burst = period * Double(perBurst)
        let times = (0..<4096).map { i -> Int64 in
            let arrival = (Double(i / perBurst) + 1) * burst
            return Int64(arrival + Double(i % perBurst) * 200_000)
        }
        let got = Self.rate(times) ?? 0
        #expect(abs(got - rate) / rate < 0.005, "\(perBurst)-row bursts at \(rate) Hz: \(got)")
    }

    @Test func jitterCancelsOut() {
        var random = SeededRandom(fallback: Self.seed)
        let times = (0..<4096).map { i in Int64(Double(i) * 1_000_000 + (random.unit() - 0.5) * 400_000) }
        let got = Self.rate(times) ?? 0
        #expect(abs(got - 1000) < 0.5, "\(random.replay): \(got)")
    }

    @Test func dropoutsAreLeftOut() {
        var random = SeededRandom(fallback: Self.seed)
        var times: [Int64] = []
        var t: Int64 = 0
        while times.count < 4096 {
            t += 1_000_000
            if random.unit() < 0.002 { t += 40_000_000 + Int64(random.unit() * 2e9) }  // up to 2 s missing
            times.append(t)
        }
        let got = Self.rate(times) ?? 0
        #expect(abs(got - 1000) < 0.5, "\(random.replay): \(got)")
    }

    @Test func degenerateInputsAreRefused() {
        #expect(throws: SampleRateEstimator.Failure.tooFewTimes) { try SampleRateEstimator.estimate(timestampsNs: [5]).get() }
        #expect(throws: SampleRateEstimator.Failure.tooFewTimes) { try SampleRateEstimator.estimate(timestampsNs: [5, 5, 5]).get() }
        #expect(throws: SampleRateEstimator.Failure.spanTooLarge) {
            try SampleRateEstimator.estimate(timestampsNs: [-9_000_000_000_000_000_000, 9_000_000_000_000_000_000]).get()
        }
    }
}
