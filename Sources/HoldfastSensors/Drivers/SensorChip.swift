/// The chips Holdfast has drivers for, and how to make a driver for one.
public enum SensorChip: String, Sendable, CaseIterable {
    case nau7802, ads1115, ads1015

    /// The chip's address when none is given.
    public var defaultAddress: UInt8 { self == .nau7802 ? NAU7802.defaultAddress : 0x48 }

    /// The conversion rates the chip can be set to (SPS), ascending.
    public var rates: [Double] {
        switch self {
        case .nau7802: NAU7802.rates.map(\.hz)
        case .ads1115: ADS1x15.Variant.ads1115.rates
        case .ads1015: Array(Set(ADS1x15.Variant.ads1015.rates)).sorted()
        }
    }

    /// The driver for this chip on `bus`, at its fastest rate unless `sampleRateHz` says otherwise.
    public func driver(bus: I2CBus, clock: MonotonicClock, address: UInt8? = nil,
                       sampleRateHz: Double? = nil) throws(SensorError) -> ForceSensor {
        switch self {
        case .nau7802:
            try NAU7802(bus: bus, clock: clock, address: address ?? defaultAddress, sampleRateHz: sampleRateHz ?? 320)
        case .ads1115:
            try ADS1x15(.ads1115, bus: bus, address: address ?? defaultAddress, sampleRateHz: sampleRateHz)
        case .ads1015:
            try ADS1x15(.ads1015, bus: bus, address: address ?? defaultAddress, sampleRateHz: sampleRateHz)
        }
    }
}
