/// Everything the core needs to know to turn raw samples into holds.
public struct SignalConfig: Sendable, Equatable {
    public var calibration: ForceCalibration
    /// Nominal sample rate, for the filter design and the delay correction.
    public var sampleRateHz: Double
    public var cutoffHz: Double
    /// Median-of-5 before the low-pass (removes 1–2-sample spikes).
    public var spikeRejection: Bool
    public var thresholds: HoldThresholds
    public var scale: PressureScale
    /// Re-track the zero while there is no contact (live load cells drift; traces are already zeroed).
    public var zeroTracking: Bool

    public static let defaultCutoffHz = 10.0

    public init(calibration: ForceCalibration, sampleRateHz: Double,
                cutoffHz: Double = SignalConfig.defaultCutoffHz, spikeRejection: Bool = true,
                thresholds: HoldThresholds = .standard, scale: PressureScale = .standard,
                zeroTracking: Bool = false) {
        self.calibration = calibration
        self.sampleRateHz = sampleRateHz
        self.cutoffHz = cutoffHz
        self.spikeRejection = spikeRejection
        self.thresholds = thresholds
        self.scale = scale
        self.zeroTracking = zeroTracking
    }
}

/// Why the signal path could not be built from a configuration.
public enum SignalChainError: Error, Equatable, CustomStringConvertible {
    case design(SignalDesignError)
    case thresholds(ThresholdError)

    public var description: String {
        switch self {
        case .design(let e): e.description
        case .thresholds(let e): e.description
        }
    }
}

/// The hot path after the ring: calibration → spike rejection → low-pass →
/// hold detector. A value type with no references, so processing a sample
/// allocates nothing, takes no lock and depends on nothing but its input.
public struct SignalChain: Sendable {
    public private(set) var config: SignalConfig
    @usableFromInline var calibration: ForceCalibration
    @usableFromInline var spikes = SpikeRejector()
    @usableFromInline var filter: LowPassBiquad
    @usableFromInline let useSpikeRejection: Bool
    @usableFromInline let useZeroTracking: Bool
    @usableFromInline var zeroTracker: ZeroTracker
    @usableFromInline var _detector: HoldDetector
    public var detector: HoldDetector { _detector }
    /// Total delay of median and low-pass for slow ramps; subtracted from sample
    /// times before detection so crossings land where they happened.
    public let delayNs: Int64

    @usableFromInline var _sampleCount = 0
    @usableFromInline var _saturatedCount = 0
    @usableFromInline var _gapCount = 0
    @usableFromInline var _lastForce: Int32 = 0
    @usableFromInline var _lastTimeNs: Int64 = 0
    public var sampleCount: Int { _sampleCount }
    /// Samples the converter reported at full scale.
    public var saturatedCount: Int { _saturatedCount }
    /// Samples that followed a gap in the stream.
    public var gapCount: Int { _gapCount }
    /// The most recent filtered force (Q16.16) and its corrected time, for live display.
    public var lastForce: Int32 { _lastForce }
    public var lastTimeNs: Int64 { _lastTimeNs }

    public init(_ config: SignalConfig) throws(SignalChainError) {
        self.config = config
        calibration = config.calibration
        useSpikeRejection = config.spikeRejection
        useZeroTracking = config.zeroTracking
        zeroTracker = ZeroTracker(sampleRateHz: config.sampleRateHz)
        let coefficients: BiquadCoefficients
        do { coefficients = try .butterworthLowPass(cutoffHz: config.cutoffHz, sampleRateHz: config.sampleRateHz) }
        catch { throw .design(error) }
        filter = LowPassBiquad(coefficients)
        do { _detector = try HoldDetector(thresholds: config.thresholds, zones: config.scale.zoneThresholds) }
        catch { throw .thresholds(error) }
        let delaySamples = coefficients.delaySamples + (config.spikeRejection ? Double(SpikeRejector.delaySamples) : 0)
        delayNs = Int64((delaySamples * 1e9 / config.sampleRateHz).rounded())
    }

    /// Processes one sample.
    @inlinable @inline(__always)
    public mutating func process(_ sample: Sample) -> DetectorEvent {
        _sampleCount &+= 1
        if _slowPath(!sample.flags.isEmpty) {
            if sample.flags.contains(.saturated) { _saturatedCount &+= 1 }
            if sample.flags.contains(.afterGap) {
                _gapCount &+= 1
                _detector.noteGap()
            }
        }
        var force = calibration.force(raw: sample.raw)
        if useZeroTracking { force = zeroTracker.correct(force, idle: _detector.stage == .idle) }
        if useSpikeRejection { force = spikes.step(force) }
        force = filter.step(force)
        let t = sample.timestampNs &- delayNs
        _lastForce = force
        _lastTimeNs = t
        return _detector.step(timeNs: t, force: force)
    }

    /// Processes a batch in place, calling `onHold` for every completed hold.
    @inlinable
    public mutating func process<E: Error>(
        _ batch: UnsafeBufferPointer<Sample>, onHold: (HoldRecord) throws(E) -> Void
    ) throws(E) {
        for sample in batch where process(sample) == .holdCompleted {
            try onHold(_detector.lastHold)
        }
    }

    /// A new zero and scale for the raw counts (after a tare); the tracked zero restarts.
    public mutating func recalibrate(_ calibration: ForceCalibration) {
        self.calibration = calibration
        config.calibration = calibration
        zeroTracker = ZeroTracker(sampleRateHz: config.sampleRateHz)
    }

    /// A new pressure scale (the client re-rated a pressure); zone times use it from now on.
    public mutating func setScale(_ scale: PressureScale) {
        config.scale = scale
        _detector.setZones(scale.zoneThresholds)
    }

    /// The zero the tracker has settled on (Q16.16 N); 0 without tracking.
    public var trackedZero: Int32 { zeroTracker.zeroForce }

    /// Ends the stream: closes a contact still in progress.
    public mutating func finish() -> DetectorEvent { _detector.finish() }
}
