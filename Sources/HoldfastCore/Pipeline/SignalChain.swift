/// Everything the core needs to know to turn raw samples into holds.
public struct SignalConfig: Sendable, Equatable {
    public var calibration: ForceCalibration
    /// Nominal sample rate, for the filter design and the delay correction.
    public var sampleRateHz: Double
    public var cutoffHz: Double
    /// Spike rejection before the low-pass (removes 1–2-sample spikes, see ``SpikeRejector``).
    public var spikeRejection: Bool
    public var holdRules: HoldRules
    public var scale: PressureScale
    /// Re-track the zero while there is no contact (live load cells drift; traces from un-zeroed loggers too).
    public var zeroTracking: Bool

    /// −3 dB at 2.2 Hz, critically damped (no overshoot): physiological
    /// tremor (8–12 Hz, a few % of the force) is always in a hand-held hold,
    /// and the former 10 Hz Butterworth passed 70–85 % of it into peaks and
    /// zone times (and rang 4 % on every ramp and release). This filter
    /// passes 15 % at 8 Hz and 7 % at 12 Hz; the price is ~0.1 s of delay on
    /// a ramp, which the detector corrects and the live alarm carries (well
    /// inside its 150 ms budget), at the cost of one biquad as before.
    public static let defaultCutoffHz = 2.2

    public init(calibration: ForceCalibration, sampleRateHz: Double,
                cutoffHz: Double = SignalConfig.defaultCutoffHz, spikeRejection: Bool = true,
                holdRules: HoldRules = .standard, scale: PressureScale = .standard,
                zeroTracking: Bool = false) {
        self.calibration = calibration
        self.sampleRateHz = sampleRateHz
        self.cutoffHz = cutoffHz
        self.spikeRejection = spikeRejection
        self.holdRules = holdRules
        self.scale = scale
        self.zeroTracking = zeroTracking
    }

    /// The thresholds in effect: the rules applied to the client's scale.
    public var thresholds: HoldThresholds { holdRules.thresholds(for: scale) }
}

/// What one sample brought, beyond the new filtered force.
public struct ChainEvents: OptionSet, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let contactStarted = ChainEvents(rawValue: 1 << 0)
    /// A hold ended; read it from ``SignalChain/detector``'s `lastHold`.
    public static let holdCompleted = ChainEvents(rawValue: 1 << 1)
    public static let touchCompleted = ChainEvents(rawValue: 1 << 2)
    /// Samples were missing before this one: flagged by the source, or further
    /// apart than the longest dip a hold can bridge. See ``SignalChain/lastGapNs``.
    public static let gap = ChainEvents(rawValue: 1 << 3)
    /// A PPT trial ended; read it from ``SignalChain/detector``'s `lastTrial`.
    public static let trialCompleted = ChainEvents(rawValue: 1 << 4)
    /// A sample flagged as the client's signal came with no contact (see ``SignalChain/lastSignalNs``).
    public static let signalWithoutContact = ChainEvents(rawValue: 1 << 5)
    /// A second signal in one contact (the first counts).
    public static let signalRepeated = ChainEvents(rawValue: 1 << 6)

    @inlinable
    init(_ event: DetectorEvent) {
        switch event {
        case .none: self = []
        case .contactStarted: self = .contactStarted
        case .holdCompleted: self = .holdCompleted
        case .touchCompleted: self = .touchCompleted
        case .trialCompleted: self = .trialCompleted
        }
    }

    public init(_ outcome: SignalOutcome) {
        switch outcome {
        case .accepted: self = []
        case .noContact: self = .signalWithoutContact
        case .repeated: self = .signalRepeated
        }
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

/// The hot path after the ring: calibration → zero tracking → spike
/// rejection → low-pass → hold detector. A value type with no references, so
/// processing a sample allocates nothing, takes no lock and depends on
/// nothing but its input.
public struct SignalChain: Sendable {
    public private(set) var config: SignalConfig
    @usableFromInline var calibration: ForceCalibration
    @usableFromInline var spikes = SpikeRejector()
    @usableFromInline var filter: LowPassBiquad
    @usableFromInline let useSpikeRejection: Bool
    @usableFromInline let useZeroTracking: Bool
    @usableFromInline var zeroTracker: ZeroTracker
    @usableFromInline var _idleBaseline: IdleBaseline
    @usableFromInline var _detector: HoldDetector
    public var detector: HoldDetector { _detector }
    /// The force between contacts, to tell an un-zeroed trace.
    public var idleBaseline: IdleBaseline { _idleBaseline }
    /// Total delay of spike rejection and low-pass for slow ramps; subtracted
    /// from sample times before detection so crossings land where they happened.
    public let delayNs: Int64

    @usableFromInline var _sampleCount = 0
    @usableFromInline var _saturatedCount = 0
    @usableFromInline var _lastForce: Int32 = 0
    @usableFromInline var _lastTimeNs: Int64 = 0
    @usableFromInline var _lastGapNs: Int64 = 0
    public var sampleCount: Int { _sampleCount }
    /// Samples the converter reported at full scale.
    public var saturatedCount: Int { _saturatedCount }
    /// The most recent filtered force (Q16.16) and its corrected time, for live display.
    public var lastForce: Int32 { _lastForce }
    public var lastTimeNs: Int64 { _lastTimeNs }
    /// With a `.gap` event: how long the stream was silent before this sample.
    public var lastGapNs: Int64 { _lastGapNs }
    /// The time of the last signal flagged in the samples (for a refused one's error).
    public private(set) var lastSignalNs: Int64 = 0

    public init(_ config: SignalConfig) throws(SignalChainError) {
        self.config = config
        calibration = config.calibration
        useSpikeRejection = config.spikeRejection
        useZeroTracking = config.zeroTracking
        let coefficients: BiquadCoefficients
        do { coefficients = try .criticallyDampedLowPass(cutoffHz: config.cutoffHz, sampleRateHz: config.sampleRateHz) }
        catch { throw .design(error) }
        filter = LowPassBiquad(coefficients)
        let thresholds = config.thresholds
        do { _detector = try HoldDetector(thresholds: thresholds, zones: config.scale.zoneThresholds) }
        catch { throw .thresholds(error) }
        zeroTracker = ZeroTracker(sampleRateHz: config.sampleRateHz, startForce: Q16.fromNewtons(thresholds.startN) ?? .max)
        _idleBaseline = IdleBaseline(sampleRateHz: config.sampleRateHz)
        let delaySamples = coefficients.delaySamples + (config.spikeRejection ? Double(SpikeRejector.delaySamples) : 0)
        delayNs = Int64((delaySamples * 1e9 / config.sampleRateHz).rounded())
    }

    /// Processes one sample.
    @inlinable @inline(__always)
    public mutating func process(_ sample: Sample) -> ChainEvents {
        var events: ChainEvents = []
        let t = sample.timestampNs &- delayNs
        // Unsigned, so a span too large for Int64 (or time going back) takes the slow path too.
        if _slowPath(!sample.flags.isEmpty || UInt64(bitPattern: t &- _lastTimeNs) > UInt64(_detector.maxGapNs)) {
            events = noteIrregular(sample, at: t)
        }
        _sampleCount &+= 1
        var force = calibration.force(raw: sample.raw)
        let idle = _detector.stage == .idle
        if useZeroTracking { force = zeroTracker.correct(force, idle: idle) }
        if useSpikeRejection { force = spikes.step(force) }
        force = filter.step(force)
        _lastForce = force
        _lastTimeNs = t
        _idleBaseline.step(force, atNs: t, idle: idle)
        events.formUnion(ChainEvents(_detector.step(timeNs: t, force: force)))
        return events
    }

    /// Saturation and gaps: counted, and a gap longer than any dip a hold can
    /// bridge ends the contact in progress (it is marked as cut by the gap).
    @usableFromInline
    mutating func noteIrregular(_ sample: Sample, at t: Int64) -> ChainEvents {
        if sample.flags.contains(.saturated) { _saturatedCount &+= 1 }
        var events: ChainEvents = []
        if sample.flags.contains(.signal) {
            // After this sample's own step would be too late for a signal at the contact's first sample.
            lastSignalNs = sample.timestampNs
            events = ChainEvents(_detector.signal(atNs: sample.timestampNs))
        }
        return events.union(noteGap(sample, at: t))
    }

    @usableFromInline
    mutating func noteGap(_ sample: Sample, at t: Int64) -> ChainEvents {
        guard _sampleCount > 0 else { return [] }
        let silent = t.subtractingReportingOverflow(_lastTimeNs)
        let long = silent.overflow || silent.partialValue > _detector.maxGapNs
        guard long || sample.flags.contains(.afterGap) else { return [] }
        _lastGapNs = silent.overflow ? .max : silent.partialValue
        if long {
            // What came before the gap says nothing about what comes after: start the filters afresh.
            spikes.restart()
            filter.restart()
            return ChainEvents(_detector.breakAtGap()).union(.gap)
        }
        _detector.noteGap()
        return .gap
    }

    /// The client signalled "now" at `timeNs` on the sample clock (live: a key, a button, `holdfast
    /// send ppt`): the contact in progress becomes a PPT trial. Between samples, never per sample.
    public mutating func signal(atNs timeNs: Int64) -> SignalOutcome {
        lastSignalNs = timeNs
        return _detector.signal(atNs: timeNs)
    }

    /// Processes a batch, calling `onHold` for every completed hold and
    /// `onGap(sampleNs, silentNs)` for every gap (the first sample's own time after it).
    @inlinable
    public mutating func process<E: Error>(
        _ batch: UnsafeBufferPointer<Sample>, onHold: (HoldRecord) throws(E) -> Void,
        onGap: (Int64, Int64) -> Void
    ) throws(E) {
        for sample in batch {
            let events = process(sample)
            if _slowPath(!events.isDisjoint(with: [.holdCompleted, .gap])) {
                if events.contains(.gap) { onGap(sample.timestampNs, _lastGapNs) }
                if events.contains(.holdCompleted) { try onHold(_detector.lastHold) }
            }
        }
    }

    /// Processes a batch, calling `onHold` for every completed hold.
    @inlinable
    public mutating func process<E: Error>(
        _ batch: UnsafeBufferPointer<Sample>, onHold: (HoldRecord) throws(E) -> Void
    ) throws(E) {
        try process(batch, onHold: onHold, onGap: { _, _ in })
    }

    /// A new zero and scale for the raw counts (after a tare); the tracked zero restarts.
    public mutating func recalibrate(_ calibration: ForceCalibration) {
        self.calibration = calibration
        config.calibration = calibration
        zeroTracker = ZeroTracker(sampleRateHz: config.sampleRateHz,
                                  startForce: Q16.fromNewtons(config.thresholds.startN) ?? .max)
    }

    /// A new pressure scale (the client re-rated a pressure): zone times use
    /// it from the next sample; thresholds that follow the scale change from
    /// the next contact.
    public mutating func setScale(_ scale: PressureScale) throws(SignalChainError) {
        var updated = config
        updated.scale = scale
        do { try _detector.setThresholds(updated.thresholds) } catch { throw .thresholds(error) }
        config = updated
        _detector.setZones(scale.zoneThresholds)
    }

    /// The price of the filtering for a live alarm: how long after the force
    /// itself crosses `levelN` on a steady ramp of `newtonsPerSecond` the
    /// filtered force does (the alarm fires on the filtered force, in real time:
    /// no delay correction is possible there). Worked out by running a copy of
    /// this chain's configuration on the ramp, sample by sample; nil if the
    /// filtered force never gets there.
    public static func rampCrossingDelayNs(_ config: SignalConfig, levelN: Double, newtonsPerSecond: Double) -> Int64? {
        var ramp = config
        ramp.zeroTracking = false
        guard var chain = try? SignalChain(ramp), let level = Q16.fromNewtons(levelN) else { return nil }
        let periodNs = 1e9 / config.sampleRateHz
        let crossingNs = Int64((levelN / newtonsPerSecond * 1e9).rounded())
        let counts = config.calibration.newtonsPerCount
        for i in 0..<Int((2 * levelN / newtonsPerSecond) * config.sampleRateHz) {
            let t = Int64((Double(i) * periodNs).rounded())
            let newtons = newtonsPerSecond * Double(t) / 1e9
            let raw = Int32(clamping: Int64((newtons / counts).rounded()) + Int64(config.calibration.offset))
            _ = chain.process(Sample(timestampNs: t, raw: raw))
            if chain.lastForce >= level { return t - crossingNs }
        }
        return nil
    }

    /// Ends the stream: closes a contact still in progress.
    public mutating func finish() -> ChainEvents { ChainEvents(_detector.finish()) }
}
