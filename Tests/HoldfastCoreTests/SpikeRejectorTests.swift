import HoldfastCore
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
        var input = [Int32](repeating: 1000, count: 40)
        input[10] = 90_000
        input[20] = -90_000; input[21] = -90_000
        let out = input.map { r.step($0) }
        #expect(out.allSatisfy { $0 == 1000 })
    }

    @Test func delaysARampByTwoSamples() {
        var r = SpikeRejector()
        let ramp = (0..<50).map { Int32($0 * 100) }
        let out = ramp.map { r.step($0) }
        for i in 10..<50 { #expect(out[i] == ramp[i - SpikeRejector.delaySamples]) }
    }
}
