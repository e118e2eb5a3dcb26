import HoldfastCore
import HoldfastTestSupport
import Testing

@Suite("Spike rejector")
struct SpikeRejectorTests {
    @Test func median5AgreesWithSortingOnEveryOrder() {
        // All 5^5 sequences over 5 values (ties included).
        for code in 0..<3125 {
            var v: [Int32] = []
            var c = code
            for _ in 0..<5 { v.append(Int32(c % 5)); c /= 5 }
            #expect(SpikeRejector.median5(v[0], v[1], v[2], v[3], v[4]) == v.sorted()[2], "\(v)")
        }
    }

    @Test func removesSpikesOfOneAndTwoSamples() {
        var r = SpikeRejector()
        // After the first 128 samples, which it needs to learn what is typical.
        var input = [Int32](repeating: 1000, count: 200)
        input[140] = 90_000
        input[160] = -90_000; input[161] = -90_000
        let out = input.map { r.step($0) }
        #expect(out.allSatisfy { $0 == 1000 })
    }

    @Test func delaysARampByTwoSamples() {
        var r = SpikeRejector()
        let ramp = (0..<50).map { Int32($0 * 100) }
        let out = ramp.map { r.step($0) }
        for i in 10..<50 { #expect(out[i] == ramp[i - SpikeRejector.delaySamples]) }
    }

    /// What the median of five used to do wrong: cut the tip of every peak.
    @Test func aPeakPassesWhole() {
        var r = SpikeRejector()
        // A tap: 0 → 12 N → 0 in 16 samples (80 SPS, 0.2 s), in Q16.16.
        let tap = (0..<40).map { i -> Int32 in
            let k = i - 10
            return k < 0 || k > 16 ? 0 : Int32((8 - abs(k - 8)) * 98_304)  // 1.5 N a sample
        }
        let out = tap.map { r.step($0) }
        #expect(out.max() == tap.max())
        for i in 2..<40 { #expect(out[i] == tap[i - 2]) }
    }

    /// Mains pickup with harmonics (an asymmetric wave the median biased) passes sample for sample.
    @Test("periodic pickup passes unchanged", arguments: [320.0, 500.0, 1000.0, 3300.0])
    func pickupPassesUnchanged(rate: Double) {
        var r = SpikeRejector()
        let wave = (0..<Int(rate * 2)).map { i -> Int32 in
            let t = Double(i) / rate
            var f = 30.0
            for k in 1...7 { f += 0.5 / Double(k) * DeterministicMath.sinCycles(Double(k) * 50 * t + Double(k - 1) * 0.137) }
            return Q16.fromNewtons(f) ?? 0
        }
        let out = wave.map { r.step($0) }
        let replaced = (2..<wave.count).filter { out[$0] != wave[$0 - 2] }
        #expect(replaced.isEmpty, "pickup samples replaced at \(rate) Hz: \(replaced.prefix(10))")
    }

    /// Glitches on a noisy hold, at seeded random places: every one is gone.
    @Test func spikesOnANoisyHoldAreRemoved() {
        var random = SeededRandom(fallback: 20261130)
        let replay = random.replay
        func next() -> Double { random.unit() }
        var input = (0..<4000).map { _ in Q16.fromNewtons(30 + (next() - 0.5) * 0.3) ?? 0 }
        let clean = input
        var places: [Int] = []
        for k in 0..<40 {
            let at = 200 + k * 90 + Int(next() * 40)
            let size = Q16.fromNewtons((next() < 0.5 ? -1 : 1) * (3 + next() * 37)) ?? 0
            input[at] &+= size
            if k % 2 == 0 { input[at + 1] &+= size }
            places.append(at)
        }
        var r = SpikeRejector()
        let out = input.map { r.step($0) }
        for at in places {
            for i in at...(at + 1) {
                #expect(abs(Q16.newtons(out[i + 2]) - Q16.newtons(clean[i])) < 0.5, "\(replay): spike at \(i) left")
            }
        }
    }
}
