/// Converts raw converter counts to Q16.16 newtons with integer arithmetic:
/// `force = ((raw − offset) · mantissa + ½) >> shift`.
///
/// The scale is designed once in floating point (`newtonsPerCount`) and
/// converted to a mantissa below 2³⁰ with the largest shift that keeps it
/// there, so the 64-bit product `(raw − offset) · mantissa` (< 2³³ · 2³⁰)
/// can never overflow. Policy — tare, span, calibration files — lives outside
/// the core; this is the per-sample arithmetic only.
public struct ForceCalibration: Sendable, Equatable {
    /// Counts at zero force.
    public let offset: Int32
    /// Scale as an integer mantissa and binary shift.
    public let mantissa: Int64
    public let shift: Int64
    /// The floating-point scale this was designed from, for reports.
    public let newtonsPerCount: Double

    public init(offset: Int32, newtonsPerCount: Double) throws(SignalDesignError) {
        let q16PerCount = newtonsPerCount * 65536
        guard q16PerCount.isFinite, q16PerCount != 0, abs(q16PerCount) < Double(1 << 29) else {
            throw .invalidCalibrationScale(newtonsPerCount)
        }
        var shift = 0
        while shift < 62 && abs(q16PerCount * Double(Int64(1) << (shift + 1))) < Double(1 << 30) {
            shift += 1
        }
        let mantissa = (q16PerCount * Double(Int64(1) << shift)).rounded()
        guard mantissa != 0 else { throw .invalidCalibrationScale(newtonsPerCount) }
        self.offset = offset
        self.mantissa = Int64(mantissa)
        self.shift = Int64(shift)
        self.newtonsPerCount = newtonsPerCount
    }

    /// Force in Q16.16 newtons, clamped to the signal path's input range.
    @inlinable @inline(__always)
    public func force(raw: Int32) -> Int32 {
        let product = (Int64(raw) &- Int64(offset)) &* mantissa
        let rounded = (product &+ (1 &<< (shift &- 1))) &>> shift
        return min(max(rounded, -Int64(Q16.inputLimit)), Int64(Q16.inputLimit)).saturatedInt32
    }
}

/// A parameter of the signal path that cannot be turned into fixed point.
public enum SignalDesignError: Error, Equatable, CustomStringConvertible {
    case invalidCalibrationScale(Double)
    case cutoffOutOfRange(cutoffHz: Double, sampleRateHz: Double)
    case coefficientOverflow(name: String, value: Double)
    case sampleRateOutOfRange(Double)
    case gainTooHigh(Double)

    public var description: String {
        switch self {
        case .invalidCalibrationScale(let scale):
            "calibration scale \(scale) N/count cannot be represented (must be finite, non-zero, below 8192 N/count)"
        case .cutoffOutOfRange(let cutoff, let rate):
            "low-pass cutoff \(cutoff) Hz is out of range for \(rate) Hz sampling (must be above 0 and below 0.4 × the sample rate)"
        case .coefficientOverflow(let name, let value):
            "filter coefficient \(name) = \(value) does not fit Q2.30"
        case .gainTooHigh(let gain):
            "filter gain Σ|h| = \(gain) could overflow its accumulator (must be below \(BiquadCoefficients.maxGain))"
        case .sampleRateOutOfRange(let rate):
            "sample rate \(rate) Hz is out of range (must be finite and positive)"
        }
    }
}
