import HoldfastCore

/// How pressure-pain threshold trials are judged: the ramp the protocol
/// asks for (the QST standard is 50 kPa/s, i.e. 5 N/s on a 1 cm² probe) and
/// how far a hand-held ramp may stray from it, how many trials make a
/// point's threshold, the probe's area (for kPa), and the minimal detectable
/// change below which a difference is not a change.
public struct PPTPolicy: Sendable, Equatable {
    /// The target ramp, in N/s.
    public var rateNPerS: Double
    /// How far the ramp may stray, as a fraction of the target (0.4: ±40 %).
    public var tolerance: Double
    /// Trials asked for per point and phase (the watch counts them; every valid one counts in the mean).
    public var trials: Int
    /// The probe's area in cm²; nil: thresholds in N only.
    public var probeAreaCm2: Double?
    /// A change in a point's threshold smaller than this fraction of its `pre` value is within the noise.
    public var mdcFraction: Double

    /// A signal within this of the onset cannot have followed a ramp.
    public static let minimumRampS = 0.5

    public static let standard = PPTPolicy()

    public init(rateNPerS: Double = 5, tolerance: Double = 0.4, trials: Int = 3, probeAreaCm2: Double? = nil,
                mdcFraction: Double = 0.2) {
        self.rateNPerS = rateNPerS
        self.tolerance = tolerance
        self.trials = trials
        self.probeAreaCm2 = probeAreaCm2
        self.mdcFraction = mdcFraction
    }

    /// The ramps a valid trial may have, in N/s.
    public var band: ClosedRange<Double> { rateNPerS * (1 - tolerance)...rateNPerS * (1 + tolerance) }

    /// A force in kPa on the probe, when its area is known (1 N/cm² is 10 kPa).
    public func kPa(_ newtons: Double) -> Double? { probeAreaCm2.map { newtons / $0 * 10 } }

    /// Parses a target ramp: `5N/s` or `50kPa/s` (the latter needs the probe's area).
    public static func rate(parsing text: String, probeAreaCm2: Double?) throws(PPTPolicyError) -> Double {
        let compact = text.filter { $0 != " " }
        for (suffix, perNewton) in [("N/s", 1.0), ("kPa/s", 0.0)] where compact.hasSuffix(suffix) {
            guard let value = Double(compact.dropLast(suffix.count)), value.isFinite, value > 0, value <= 1000 else {
                throw .invalid("ppt rate \"\(text)\" is not a number above 0 and at most 1000 before \(suffix)")
            }
            if perNewton == 1 { return value }
            guard let area = probeAreaCm2 else { throw .invalid("a ppt rate in kPa/s needs the probe's area (probe_area_cm2)") }
            return value * area / 10
        }
        throw .invalid("ppt rate \"\(text)\" needs a unit: N/s or kPa/s (e.g. 5N/s, 50kPa/s)")
    }

    /// Checks the values make sense; names the first that does not.
    public func validated() throws(PPTPolicyError) -> PPTPolicy {
        guard rateNPerS.isFinite, rateNPerS > 0, rateNPerS <= 1000 else { throw .invalid("ppt rate \(rateNPerS) N/s is out of range (above 0, at most 1000)") }
        guard tolerance.isFinite, tolerance > 0, tolerance < 1 else { throw .invalid("ppt rate tolerance \(tolerance * 100) % is out of range (above 0, below 100)") }
        guard (1...20).contains(trials) else { throw .invalid("ppt trials \(trials) is out of range (1 ... 20)") }
        if let a = probeAreaCm2, !(a.isFinite && a > 0 && a <= 100) { throw .invalid("probe area \(a) cm² is out of range (above 0, at most 100)") }
        guard mdcFraction.isFinite, mdcFraction > 0, mdcFraction < 10 else { throw .invalid("minimal detectable change \(mdcFraction * 100) % is out of range") }
        return self
    }
}

public enum PPTPolicyError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): why }
    }
}
