import HoldfastCore
import Testing
import Foundation

@Suite("Low-pass biquad")
struct LowPassBiquadTests {
    static let rates: [Double] = [80, 320, 500, 860, 1000, 3300, 5000]

    @Test("DC gain is exactly one in integers", arguments: rates)
    func unityDCGain(rate: Double) throws {
        let c = try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: rate)
        #expect(c.b0 + c.b1 + c.b2 == (1 << 30) + c.a1 + c.a2)
    }

    @Test("a constant input comes out exactly", arguments: rates)
    func steadyStateIsExact(rate: Double) throws {
        var f = LowPassBiquad(try .criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: rate))
        _ = f.step(0)
        let target = Q16.fromNewtons(37.123)!
        var out: Int32 = 0
        for _ in 0..<Int(rate * 3) { out = f.step(target) }
        #expect(out == target)
    }

    /// The fixed-point filter against a double-precision direct-form-I with
    /// the unquantised coefficients, on a noisy, steppy 0–60 N signal.
    @Test("tracks the double-precision oracle within 2 mN", arguments: rates)
    func matchesOracle(rate: Double) throws {
        let c = try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: rate)
        var fixed = LowPassBiquad(c)
        let input = TestSignals.steppyNoise(count: Int(rate * 6), seed: 3)
        let (b0, b1, b2, a1, a2) = c.ideal
        var (x1, x2, y1, y2) = (input[0], input[0], input[0], input[0])
        var worst = 0.0
        for x in input {
            let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            (x2, x1, y2, y1) = (x1, x, y1, y)
            let got = Q16.newtons(fixed.step(Q16.fromNewtons(x)!))
            worst = max(worst, abs(got - y))
        }
        #expect(worst < 0.002, "worst error \(worst) N at \(rate) Hz")
    }

    @Test func groupDelayMatchesTheAnalogPrototype() throws {
        // A double pole at ω₀ delays slow signals by 2/ω₀ seconds.
        let c = try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: 5000)
        let seconds = c.delaySamples / 5000
        #expect(abs(seconds - 2 / (2 * DeterministicMath.pi * 10 * BiquadCoefficients.poleToCutoff)) < 1e-4)
    }

    /// What the filter is for: −3 dB at the cutoff, tremor (8–12 Hz) down to
    /// a sixth or less at the default 2.2 Hz, and no overshoot on a step.
    @Test("gain at the cutoff and in the tremor band, no overshoot", arguments: rates)
    func responseShape(rate: Double) throws {
        let cutoff = SignalConfig.defaultCutoffHz
        let c = try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: cutoff, sampleRateHz: rate)
        func gain(_ f: Double) -> Double {
            // |H(e^jω)| from the ideal coefficients.
            let w = 2 * DeterministicMath.pi * f / rate
            let (b0, b1, b2, a1, a2) = c.ideal
            func mag(_ k0: Double, _ k1: Double, _ k2: Double) -> Double {
                let re = k0 + k1 * cos(w) + k2 * cos(2 * w), im = -(k1 * sin(w) + k2 * sin(2 * w))
                return (re * re + im * im).squareRoot()
            }
            return mag(b0, b1, b2) / mag(1, a1, a2)
        }
        #expect(abs(gain(cutoff) - 0.5.squareRoot()) < 0.01, "gain at the cutoff, \(rate) Hz")
        if rate >= 80 { #expect(gain(8) < 0.17, "gain at 8 Hz, \(rate) Hz: \(gain(8))") }
        var f = LowPassBiquad(c)
        _ = f.step(0)
        let step = Q16.fromNewtons(30)!
        var highest: Int32 = 0
        for _ in 0..<Int(rate * 3) { highest = max(highest, f.step(step)) }
        #expect(highest == step, "a step overshoots at \(rate) Hz")
    }

    @Test func rejectsImpossibleDesigns() {
        #expect(throws: SignalDesignError.cutoffOutOfRange(cutoffHz: 20, sampleRateHz: 80)) {
            try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 20, sampleRateHz: 80)
        }
        #expect(throws: SignalDesignError.sampleRateOutOfRange(0)) {
            try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: 10, sampleRateHz: 0)
        }
        #expect(throws: SignalDesignError.cutoffOutOfRange(cutoffHz: -1, sampleRateHz: 1000)) {
            try BiquadCoefficients.criticallyDampedLowPass(cutoffHz: -1, sampleRateHz: 1000)
        }
    }

    /// Full-scale square waves at the input limit: the output must stay within
    /// its clamp and never wrap (which would show as a sign flip).
    @Test func extremeInputsDoNotWrap() throws {
        var f = LowPassBiquad(try .criticallyDampedLowPass(cutoffHz: 1200, sampleRateHz: 5000))
        for i in 0..<10_000 {
            let x: Int32 = (i / 3) % 2 == 0 ? .max : .min
            let y = f.step(x)
            #expect(abs(Int64(y)) <= 1 << 30)
            if i > 10 && (i / 3) % 2 == 0 && i % 3 == 2 { #expect(y > 0) }
        }
    }
}

/// Deterministic test inputs, without the simulator (the core tests stand alone).
enum TestSignals {
    /// Steps between random levels in 0–60 N with ±0.5 N noise.
    static func steppyNoise(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53
        }
        var level = 0.0
        return (0..<count).map { i in
            if i % 500 == 0 { level = next() * 60 }
            return level + (next() - 0.5)
        }
    }
}
