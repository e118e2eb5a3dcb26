import HoldfastSensors

/// Every chip with a driver also has an emulator.
public typealias EmulatedChip = SensorChip

extension SensorChip {
    /// The front end each chip is sold with in Hardware/README.md's kits.
    public var frontEnd: FrontEnd { self == .nau7802 ? .buttonLoadCell : .fsrDivider }
}

/// An emulated chip on an emulated bus with its data-ready line and the real
/// driver talking to it: everything the acquisition needs, in emulated time.
public final class EmulatedSensor {
    public let clock: MonotonicClock
    public let bus: EmulatedBus
    public let line: EmulatedDataReadyLine
    public let driver: ForceSensor
    /// Newtons per count and zero offset in counts of the emulated front end
    /// at the driver's settings: what a calibration file would hold.
    public let newtonsPerCount: Double
    public let offsetCounts: Int32
    private let hasEnded: () -> Bool

    /// - Parameters:
    ///   - clock: emulated time by default; a real clock runs the chip in real time (benchmarks).
    ///   - rateOverrideHz: run the chip's conversions at a rate it does not have, to find
    ///     where the pipeline stops keeping up.
    public init(_ chip: EmulatedChip, force: ForceSource, faults: FaultPlan = FaultPlan(),
                frontEnd: FrontEnd? = nil, startNs: Int64 = 0, clock: MonotonicClock? = nil,
                rateOverrideHz: Double? = nil, sampleRateHz: Double? = nil) throws(SensorError) {
        let frontEnd = frontEnd ?? chip.frontEnd
        self.clock = clock ?? VirtualClock(startNs: startNs)
        bus = EmulatedBus(name: "emulated \(chip.rawValue)", clock: self.clock, faults: faults)
        let countsPerVolt: Double
        switch chip {
        case .nau7802:
            let device = NAU7802Emulator(frontEnd: frontEnd, force: force, faults: faults, rateOverrideHz: rateOverrideHz,
                                         originNs: self.clock.nowNs())
            bus.attach(device)
            driver = try chip.driver(bus: bus, clock: self.clock, sampleRateHz: sampleRateHz)
            line = EmulatedDataReadyLine(bus: bus, address: device.address)
            countsPerVolt = Double(1 << (NAU7802Datasheet.resultBits - 1)) * 128 / (0.5 * 3.3)  // the driver's defaults: gain 128, LDO 3.3 V
            hasEnded = { device.forceEnded }
        case .ads1115, .ads1015:
            let part: ADS1x15Datasheet.Part = chip == .ads1115 ? .ads1115 : .ads1015
            let device = ADS1x15Emulator(part, frontEnd: frontEnd, force: force, faults: faults, rateOverrideHz: rateOverrideHz,
                                         originNs: self.clock.nowNs())
            bus.attach(device)
            driver = try chip.driver(bus: bus, clock: self.clock, sampleRateHz: sampleRateHz)
            line = EmulatedDataReadyLine(bus: bus, address: device.address)
            countsPerVolt = Double(1 << (part.resultBits - 1)) / 4.096  // the driver's default range
            hasEnded = { device.forceEnded }
        }
        newtonsPerCount = 1 / (frontEnd.voltsPerNewton * countsPerVolt)
        offsetCounts = Int32((frontEnd.offsetVolts * countsPerVolt).rounded())
    }

    /// The force source has run out: the emulated session is over.
    public var ended: Bool { hasEnded() }
}
