/// Texas Instruments ADS1115 (16-bit, up to 860 SPS) and ADS1015 (12-bit, up
/// to 3300 SPS): I2C addresses 0x48–0x4B, PGA, continuous conversion, and
/// the ALERT/RDY pin used as a conversion-ready output.
///
/// Registers are 16 bits, most significant byte first on the wire (pointer
/// 0 conversion, 1 config, 2 Lo_thresh, 3 Hi_thresh). Conversion-ready mode
/// needs Hi_thresh MSB = 1, Lo_thresh MSB = 0 and the comparator enabled;
/// with COMP_POL = 0 the pin pulses low at the end of each conversion.
public final class ADS1x15: ForceSensor {
    public enum Variant: String, Sendable, CaseIterable {
        case ads1115 = "ADS1115"
        case ads1015 = "ADS1015"

        /// Data rates in SPS, indexed by the DR code (TI's tables).
        public var rates: [Double] {
            switch self {
            case .ads1115: [8, 16, 32, 64, 128, 250, 475, 860]
            case .ads1015: [128, 250, 490, 920, 1600, 2400, 3300, 3300]
            }
        }

        /// Bits the conversion is shifted left by in the 16-bit register.
        var shift: Int32 { self == .ads1115 ? 0 : 4 }
        public var maxCode: Int32 { self == .ads1115 ? 0x7FFF : 0x7FF }
    }

    public enum Register {
        public static let conversion: UInt8 = 0
        public static let config: UInt8 = 1
        public static let loThresh: UInt8 = 2
        public static let hiThresh: UInt8 = 3
    }

    /// Where the configuration register's fields sit.
    public enum ConfigField {
        /// OS: reads 1 when no conversion is in progress; not part of the configuration.
        public static let os: UInt16 = 0x8000
        public static let muxShift: UInt16 = 12
        public static let pgaShift: UInt16 = 9
        public static let drShift: UInt16 = 5
    }

    /// Lo_thresh and Hi_thresh for conversion-ready mode: only their most significant bits matter.
    public static let readyLoThresh: UInt16 = 0x0000
    public static let readyHiThresh: UInt16 = 0x8000

    /// The 7-bit addresses the ADDR pin selects.
    public static let addresses: ClosedRange<UInt8> = 0x48...0x4B

    /// Input multiplexer settings (MUX, bits 14:12).
    public enum Input: UInt16, Sendable {
        /// AIN0 − AIN1: a bridge (load cell) through an instrumentation amplifier.
        case differential01 = 0b000
        /// AIN0 against ground: an FSR in a divider.
        case single0 = 0b100
    }

    /// Full-scale ranges (PGA, bits 11:9).
    public static let ranges: [(volts: Double, code: UInt16)] =
        [(6.144, 0), (4.096, 1), (2.048, 2), (1.024, 3), (0.512, 4), (0.256, 5)]

    public let variant: Variant
    public let identity: SensorIdentity
    public let sampleRateHz: Double
    public let dataReadyEdge = Edge.falling
    /// The configuration register value written at start.
    public let config: UInt16
    private let bus: I2CBus
    private let address: UInt8

    public init(_ variant: Variant, bus: I2CBus, address: UInt8 = 0x48, sampleRateHz: Double? = nil,
                input: Input = .single0, rangeVolts: Double = 4.096) throws(SensorError) {
        guard Self.addresses.contains(address) else {
            throw .unsupportedSetting("\(variant.rawValue) address 0x\(hex(address)) is not one of 0x48–0x4B")
        }
        let rate = sampleRateHz ?? variant.rates.max() ?? 0
        guard let dr = variant.rates.firstIndex(of: rate) else {
            throw .unsupportedSetting("\(variant.rawValue) rate \(rate) SPS is not one of \(variant.rates.map { Int($0) })")
        }
        guard let range = Self.ranges.first(where: { $0.volts == rangeVolts }) else {
            throw .unsupportedSetting("\(variant.rawValue) range ±\(rangeVolts) V is not one of \(Self.ranges.map(\.volts))")
        }
        self.variant = variant
        self.bus = bus
        self.address = address
        self.sampleRateHz = rate
        identity = SensorIdentity(chip: variant.rawValue, bus: bus.name, address: address)
        // OS 0 | MUX | PGA | MODE 0 (continuous) | DR | COMP_MODE 0 | COMP_POL 0 | COMP_LAT 0 | COMP_QUE 00
        config = input.rawValue << ConfigField.muxShift | range.code << ConfigField.pgaShift | UInt16(dr) << ConfigField.drShift
    }

    public func start() throws(SensorError) {
        _ = try SensorError.probing(identity) { () throws(I2CError) in
            try bus.readBigEndianWord(address, register: Register.config)
        }
        try SensorError.starting {
            try bus.writeBigEndianWord(address, register: Register.loThresh, value: Self.readyLoThresh)
            try bus.writeBigEndianWord(address, register: Register.hiThresh, value: Self.readyHiThresh)
            try bus.writeBigEndianWord(address, register: Register.config, value: config)
            // Identity: the ADS1x15 has no ID register, but its registers read back as written.
            let lo = try bus.readBigEndianWord(address, register: Register.loThresh)
            let hi = try bus.readBigEndianWord(address, register: Register.hiThresh)
            let readBack = try bus.readBigEndianWord(address, register: Register.config)
            let msb: UInt16 = 0x8000
            guard lo & msb == Self.readyLoThresh & msb, hi & msb == Self.readyHiThresh & msb,
                  readBack & ~ConfigField.os == config & ~ConfigField.os else {
                throw SensorError.wrongChip(identity, "registers did not read back as written "
                    + "(config 0x\(hex16(readBack)), Lo_thresh 0x\(hex16(lo)), Hi_thresh 0x\(hex16(hi)))")
            }
        }
    }

    /// In continuous mode the OS bit does not report new conversions: pace by time or use ALERT/RDY.
    public func conversionReady() throws(I2CError) -> Bool? { nil }

    /// After a reset the config register reads 0x8583 (single-shot, powered down); OS is not compared.
    public func isConfigured() throws(I2CError) -> Bool {
        try bus.readBigEndianWord(address, register: Register.config) & ~ConfigField.os == config & ~ConfigField.os
    }

    public func readConversion() throws(I2CError) -> Reading {
        let word = try bus.readBigEndianWord(address, register: Register.conversion)
        let raw = Int32(Int16(bitPattern: word)) >> variant.shift
        return Reading(raw: raw, saturated: raw >= variant.maxCode || raw <= -variant.maxCode - 1)
    }
}

func hex16(_ v: UInt16) -> String { hex(UInt8(v >> 8)) + hex(UInt8(v & 0xFF)) }
