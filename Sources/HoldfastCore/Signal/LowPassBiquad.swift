/// Coefficients of a critically damped second-order low-pass (a double
/// real pole), designed in double precision with deterministic trigonometry
/// and quantised to Q2.30.
///
/// Critically damped, not Butterworth: its step and ramp responses never
/// overshoot or undershoot. A Butterworth rings 4 %: a thumb unloading from
/// 30 N to 2 N reads 1.3 N for a moment (a re-grip taken for a lift), and
/// every ramp into a hold reads high at its peak.
///
/// The recursion is `y = b0·x + b1·x₁ + b2·x₂ − a1·y₁ − a2·y₂` (a0 = 1).
/// `b1` is not rounded independently: it is set so that
/// `b0 + b1 + b2 = 2³⁰ + a1 + a2` holds exactly in integers, which makes the
/// DC gain exactly one — a steady press reads the same after filtering.
public struct BiquadCoefficients: Sendable, Equatable {
    public static let fractionBits: Int64 = 30

    public let b0: Int64, b1: Int64, b2: Int64, a1: Int64, a2: Int64
    public let cutoffHz: Double
    public let sampleRateHz: Double
    /// Group delay at DC in samples: how far a slow ramp lags behind its input.
    public let delaySamples: Double

    /// The floating-point design, before quantisation (for the oracle test).
    public let ideal: (b0: Double, b1: Double, b2: Double, a1: Double, a2: Double)

    public static func == (l: Self, r: Self) -> Bool {
        (l.b0, l.b1, l.b2, l.a1, l.a2) == (r.b0, r.b1, r.b2, r.a1, r.a2)
            && l.cutoffHz == r.cutoffHz && l.sampleRateHz == r.sampleRateHz
    }

    /// Largest Σ|h[n]| accepted: with inputs within ±2²⁹, outputs stay within ±2³⁰.
    public static let maxGain = 1.9

    /// Σ|h[n]| of the quantised filter: the most its output can exceed its
    /// largest input, for any input. Computed over enough samples for the
    /// response to decay below double precision.
    static func impulseResponseL1Norm(b: (Int64, Int64, Int64), a: (Int64, Int64), one: Double) -> Double {
        let (b0, b1, b2) = (Double(b.0) / one, Double(b.1) / one, Double(b.2) / one)
        let (a1, a2) = (Double(a.0) / one, Double(a.1) / one)
        var (x1, x2, y1, y2) = (0.0, 0.0, 0.0, 0.0)
        var sum = 0.0
        for n in 0..<2_000_000 {
            let x = n == 0 ? 1.0 : 0.0
            let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            (x2, x1, y2, y1) = (x1, x, y1, y)
            sum += abs(y)
            if n > 100 && abs(y) + abs(y2) < 1e-17 { break }
        }
        return sum
    }

    /// The double pole sits at cutoff / √(√2 − 1) ≈ 1.554 × cutoff, so the gain is −3 dB at `cutoffHz`.
    public static let poleToCutoff = 1 / (2.0.squareRoot() - 1).squareRoot()

    /// Designs the filter by the bilinear transform of ω₀²/(s + ω₀)², prewarped
    /// at the pole frequency; `cutoffHz` is where the gain is −3 dB.
    public static func criticallyDampedLowPass(
        cutoffHz: Double, sampleRateHz: Double
    ) throws(SignalDesignError) -> BiquadCoefficients {
        guard sampleRateHz.isFinite, sampleRateHz > 0 else { throw .sampleRateOutOfRange(sampleRateHz) }
        guard cutoffHz.isFinite, cutoffHz > 0, cutoffHz < 0.25 * sampleRateHz else {
            throw .cutoffOutOfRange(cutoffHz: cutoffHz, sampleRateHz: sampleRateHz)
        }
        let k = DeterministicMath.tan(DeterministicMath.pi * cutoffHz * poleToCutoff / sampleRateHz)
        let pole = (1 - k) / (1 + k)
        let b0 = (1 - pole) * (1 - pole) / 4
        let a1 = -2 * pole
        let a2 = pole * pole
        let one = Double(Int64(1) << fractionBits)

        func quantise(_ name: String, _ value: Double) throws(SignalDesignError) -> Int64 {
            let q = (value * one).rounded()
            guard abs(q) < Double(Int64(1) << 31) else { throw .coefficientOverflow(name: name, value: value) }
            return Int64(q)
        }
        let qb0 = try quantise("b0", b0)
        let qa1 = try quantise("a1", a1)
        let qa2 = try quantise("a2", a2)
        let qb1 = (Int64(1) << fractionBits) + qa1 + qa2 - 2 * qb0
        guard abs(qb1) < Int64(1) << 31 else { throw .coefficientOverflow(name: "b1", value: 2 * b0) }
        let gain = impulseResponseL1Norm(b: (qb0, qb1, qb0), a: (qa1, qa2), one: one)
        guard gain < maxGain else { throw .gainTooHigh(gain) }

        // τ(0) = Σk·bₖ/Σbₖ − Σk·aₖ/Σaₖ; the numerator is symmetric, so its part is 1.
        let delay = 1 - (a1 + 2 * a2) / (1 + a1 + a2)
        return BiquadCoefficients(
            b0: qb0, b1: qb1, b2: qb0, a1: qa1, a2: qa2,
            cutoffHz: cutoffHz, sampleRateHz: sampleRateHz, delaySamples: delay,
            ideal: (b0, 2 * b0, b0, a1, a2))
    }
}

/// Direct-form-I biquad over Q16.16 forces with a 64-bit accumulator.
///
/// **Why it cannot overflow.** Inputs are clamped to ±2²⁹ (``Q16/inputLimit``).
/// The design refuses any filter whose impulse response has an L1 norm of
/// 1.9 or more (``BiquadCoefficients/maxGain``), so outputs stay below 2³⁰
/// without a clamp on the recursive path. For a second-order low-pass, Σ|bₖ| ≤ 3.2 and |a1| + |a2| < 3, so
/// |acc| ≤ 3.2·2³⁰·2²⁹ + 3·2³⁰·2³⁰ + 2³⁰ < 2⁶³. The arithmetic therefore
/// uses wrapping operators, which compile to bare instructions.
///
/// **First-order error feedback.** The bits shifted out of each output are
/// added to the next accumulator, so rounding errors do not pile up in the
/// recursion (whose DC gain is large at low cutoffs): the output of a constant
/// input converges to that input exactly.
public struct LowPassBiquad: Sendable {
    public let coefficients: BiquadCoefficients
    @usableFromInline let b0: Int64, b1: Int64, b2: Int64, a1: Int64, a2: Int64
    @usableFromInline var x1: Int64 = 0, x2: Int64 = 0, y1: Int64 = 0, y2: Int64 = 0
    @usableFromInline var carry: Int64 = 0
    @usableFromInline var primed = false

    public init(_ coefficients: BiquadCoefficients) {
        self.coefficients = coefficients
        (b0, b1, b2, a1, a2) = (coefficients.b0, coefficients.b1, coefficients.b2,
                                coefficients.a1, coefficients.a2)
    }

    @usableFromInline static let fractionMask: Int64 = (1 << BiquadCoefficients.fractionBits) - 1

    /// Filters one Q16.16 value.
    @inlinable @inline(__always)
    public mutating func step(_ input: Int32) -> Int32 {
        let x = min(max(Int64(input), -Int64(Q16.inputLimit)), Int64(Q16.inputLimit))
        if _slowPath(!primed) { prime(x) }
        // Terms that do not depend on the previous output first, so the
        // loop-carried path is one multiply, two adds and a shift.
        let feedForward = b0 &* x &+ b1 &* x1 &+ b2 &* x2 &- a2 &* y2
        let acc = feedForward &+ carry &- a1 &* y1
        let y = acc &>> BiquadCoefficients.fractionBits
        carry = acc & Self.fractionMask
        x2 = x1; x1 = x
        y2 = y1; y1 = y
        return Int32(truncatingIfNeeded: y)
    }

    /// Forgets the past: the next input primes the filter, as at the start of a stream.
    public mutating func restart() { primed = false }

    /// Starts from the steady state of the first input, so the filter does not
    /// ring up from zero when a trace begins mid-press.
    @usableFromInline
    mutating func prime(_ x: Int64) {
        (x1, x2, y1, y2, carry, primed) = (x, x, x, x, 0, true)
    }
}
