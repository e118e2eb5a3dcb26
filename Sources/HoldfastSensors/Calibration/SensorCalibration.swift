import FoundationEssentials
import HoldfastCore
import HoldfastPOSIX

/// Counts → newtons for one sensor, as measured by tare and span, stored
/// with the identity of the sensor it belongs to.
public struct SensorCalibration: Sendable, Equatable, Codable {
    public static let format = 1

    public var format: Int
    public var sensor: SensorIdentity
    /// Counts at zero load (the tare).
    public var offsetCounts: Int32
    /// Newtons per count (the span); negative if the bridge is wired reversed.
    public var newtonsPerCount: Double
    /// The reference mass used for the span.
    public var knownMassKg: Double
    /// Standard deviation of the tare readings, in newtons: the sensor's noise.
    public var noiseN: Double
    /// ISO 8601, UTC.
    public var created: String

    enum CodingKeys: String, CodingKey {
        case format, sensor
        case offsetCounts = "offset_counts"
        case newtonsPerCount = "newtons_per_count"
        case knownMassKg = "known_mass_kg"
        case noiseN = "noise_n"
        case created
    }

    public init(sensor: SensorIdentity, offsetCounts: Int32, newtonsPerCount: Double, knownMassKg: Double,
                noiseN: Double, created: String) {
        format = Self.format
        self.sensor = sensor
        self.offsetCounts = offsetCounts
        self.newtonsPerCount = newtonsPerCount
        self.knownMassKg = knownMassKg
        self.noiseN = noiseN
        self.created = created
    }

    /// The integer calibration the core applies per sample.
    public func forceCalibration() throws(SignalDesignError) -> ForceCalibration {
        try ForceCalibration(offset: offsetCounts, newtonsPerCount: newtonsPerCount)
    }
}

/// Why a calibration could not be made or used.
public enum CalibrationError: Error, Equatable, CustomStringConvertible {
    case tooFewSamples(Int)
    case saturated(String)
    case unsteady(String)
    case noLoad(counts: Double)
    case file(String, String)

    public var description: String {
        switch self {
        case .tooFewSamples(let n): "only \(n) samples arrived; the sensor is not delivering data"
        case .saturated(let step): "\(step): the converter is at full scale; check wiring and gain"
        case .unsteady(let step): "\(step): the readings were not steady; keep the load still and try again"
        case .noLoad(let counts): "span: the reading changed by only \(Int(counts)) counts; is the mass on the sensor?"
        case .file(let path, let why): "\(path): \(why)"
        }
    }
}

/// Tare and span from raw readings.
public enum Calibrator {
    /// Mean and standard deviation of a steady window of readings.
    public static func steadyMean(_ readings: [Reading], step: String) throws(CalibrationError) -> (mean: Double, sd: Double) {
        guard readings.count >= 10 else { throw .tooFewSamples(readings.count) }
        guard !readings.contains(where: \.saturated) else { throw .saturated(step) }
        let values = readings.map { Double($0.raw) }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        // The halves must agree to within the sample-to-sample noise (estimated
        // from successive differences, which a slow trend hardly affects): nothing
        // moved during the window. Five times, for the 1/f noise of real cells.
        let half = values.count / 2
        let first = values[..<half].reduce(0, +) / Double(half)
        let second = values[half...].reduce(0, +) / Double(values.count - half)
        let squaredSteps = zip(values, values.dropFirst()).map { ($1 - $0) * ($1 - $0) }.reduce(0, +)
        let stepNoise = (squaredSteps / Double(2 * (values.count - 1))).squareRoot()
        guard abs(first - second) <= max(5 * stepNoise, 2) else { throw .unsteady(step) }
        return (mean, sd)
    }

    /// The calibration from a tare window and a window with `knownMassKg` on the sensor.
    public static func calibrate(sensor: SensorIdentity, tare: [Reading], loaded: [Reading], knownMassKg: Double,
                                 created: Date = Date()) throws(CalibrationError) -> SensorCalibration {
        let zero = try steadyMean(tare, step: "tare")
        let load = try steadyMean(loaded, step: "span")
        let delta = load.mean - zero.mean
        guard abs(delta) >= max(100, 20 * zero.sd) else { throw .noLoad(counts: delta) }
        let newtonsPerCount = knownMassKg * 9.80665 / delta
        return SensorCalibration(sensor: sensor, offsetCounts: Int32(zero.mean.rounded()), newtonsPerCount: newtonsPerCount,
                                 knownMassKg: knownMassKg, noiseN: zero.sd * abs(newtonsPerCount),
                                 created: created.ISO8601Format())
    }
}
