import HoldfastCore
import ReferenceKernels

/// Cost per sample of the signal path, and of the biquad against a C reference.
enum ChainBenchmarks {
    /// Press-shaped samples in 0.1 mN counts at 1 kHz: rest, ramp, noisy 35 N plateau, release.
    static func presses(count: Int) -> [Sample] {
        var state: UInt64 = 42
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(state >> 11) * 0x1.0p-53 - 0.5
            let t = i % 20_000
            let force: Double = t < 2_000 ? 0 : t < 4_000 ? Double(t - 2_000) / 2_000 * 35
                : t < 16_000 ? 35 : t < 17_000 ? 35 - Double(t - 16_000) / 1_000 * 35 : 0
            return Sample(timestampNs: Int64(i) * 1_000_000, raw: Int32(((force + noise * 0.2) * 10_000).rounded()))
        }
    }

    static func makeChain() -> SignalChain? {
        guard let calibration = try? ForceCalibration(offset: 0, newtonsPerCount: 1e-4) else { return nil }
        return try? SignalChain(SignalConfig(calibration: calibration, sampleRateHz: 1000))
    }

    /// Millions of samples per second through the whole chain.
    static func fullChain(_ samples: [Sample], reps: Int) -> Double {
        var holds = 0
        var best = Double.infinity
        for _ in 0..<reps {
            guard var chain = makeChain() else { return .nan }
            let seconds = measure {
                samples.withUnsafeBufferPointer { holds += runChain(&chain, $0) }
            }
            best = min(best, seconds)
        }
        blackHole(holds)
        return Double(samples.count) / best / 1e6
    }

    /// The Swift biquad alone on Q16.16 forces.
    static func biquadOnly(_ samples: [Sample], reps: Int) -> Double {
        let input = samples.map { $0.raw }
        guard let coefficients = try? BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: 1000) else { return .nan }
        var best = Double.infinity
        var sink: Int32 = 0
        for _ in 0..<reps {
            var filter = LowPassBiquad(coefficients)
            let seconds = measure {
                input.withUnsafeBufferPointer { sink ^= runBiquad(&filter, $0) }
            }
            best = min(best, seconds)
        }
        blackHole(Int(sink))
        return Double(input.count) / best / 1e6
    }

    /// The CMSIS-style C biquad with the same coefficients (post-shift 1 ⇔ Q2.30).
    static func referenceBiquad(_ samples: [Sample], reps: Int) -> Double {
        let input = samples.map { $0.raw }
        var output = [Int32](repeating: 0, count: input.count)
        guard let c = try? BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: 1000) else { return .nan }
        var best = Double.infinity
        for _ in 0..<reps {
            var state = ref_biquad_q31(b0: Int32(c.b0), b1: Int32(c.b1), b2: Int32(c.b2),
                                       a1: Int32(-c.a1), a2: Int32(-c.a2),
                                       x1: 0, x2: 0, y1: 0, y2: 0, post_shift: 1)
            let seconds = measure {
                input.withUnsafeBufferPointer { i in
                    output.withUnsafeMutableBufferPointer { o in
                        ref_biquad_q31_process(&state, i.baseAddress, o.baseAddress, i.count)
                    }
                }
            }
            best = min(best, seconds)
        }
        blackHole(Int(output[output.count / 2]))
        return Double(input.count) / best / 1e6
    }
}

// The measured loops live in functions of their own so the filter state is
// a local in registers, as it is in the C reference, not a closure capture.

@inline(never)
func runChain(_ chain: inout SignalChain, _ samples: UnsafeBufferPointer<Sample>) -> Int {
    var holds = 0
    chain.process(samples) { _ in holds += 1 }
    return holds
}

@inline(never)
func runBiquad(_ filter: inout LowPassBiquad, _ input: UnsafeBufferPointer<Int32>) -> Int32 {
    var local = filter
    var sink: Int32 = 0
    for x in input { sink ^= local.step(x) }
    filter = local
    return sink
}

/// Keeps a result alive so the optimiser cannot delete the work.
@inline(never)
func blackHole(_ value: Int) {
    if value == 0x5EED_F00D { print("") }
}
