/// Nuvoton NAU7802: 24-bit bridge-sensor ADC with PGA and LDO, I2C address
/// 0x2A, up to 320 samples/s, conversion-ready bit and DRDY pin.
///
/// Register map (datasheet rev. 1.7): PU_CTRL 0x00, CTRL1 0x01, CTRL2 0x02,
/// ADCO_B2..B0 0x12–0x14 (MSB first), ADC 0x15, PGA_PWR 0x1C, REVISION_ID 0x1F.
public final class NAU7802: ForceSensor {
    public static let defaultAddress: UInt8 = 0x2A

    public enum Register {
        public static let puCtrl: UInt8 = 0x00
        public static let ctrl1: UInt8 = 0x01
        public static let ctrl2: UInt8 = 0x02
        public static let adcoB2: UInt8 = 0x12
        public static let adc: UInt8 = 0x15
        public static let pgaPower: UInt8 = 0x1C
        public static let revision: UInt8 = 0x1F
    }

    /// PU_CTRL bits.
    public enum PowerUp {
        public static let registerReset: UInt8 = 1 << 0   // RR
        public static let digital: UInt8 = 1 << 1         // PUD
        public static let analog: UInt8 = 1 << 2          // PUA
        public static let ready: UInt8 = 1 << 3           // PUR (read only)
        public static let cycleStart: UInt8 = 1 << 4      // CS
        public static let conversionReady: UInt8 = 1 << 5 // CR (read only)
        public static let internalLDO: UInt8 = 1 << 7     // AVDDS
    }

    /// CTRL1 fields: gain code in bits 2:0, LDO code in bits 5:3.
    public enum Control1 {
        public static let ldoShift: UInt8 = 3
    }

    /// CTRL2 bits.
    public enum Control2 {
        public static let calibrationStart: UInt8 = 1 << 2  // CALS; CALMOD (bits 1:0) = 00 internal offset
        public static let calibrationError: UInt8 = 1 << 3  // CAL_ERR
        public static let rateShift: UInt8 = 4              // CRS, bits 6:4
    }

    /// ADC register: REG_CHPS = 11, the chopper clock off.
    public static let chopperClockOff: UInt8 = 0x30
    /// PGA power register: PGA_CAP_EN, the Vin2 decoupling capacitor on.
    public static let pgaCapacitorOn: UInt8 = 0x80

    /// Conversion rates and their CRS codes.
    public static let rates: [(hz: Double, code: UInt8)] = [(10, 0), (20, 1), (40, 2), (80, 3), (320, 7)]
    /// PGA gains; the code is log2(gain).
    public static let gains: [Int] = [1, 2, 4, 8, 16, 32, 64, 128]
    /// LDO voltages and their VLDO codes.
    public static let ldoVolts: [(volts: Double, code: UInt8)] =
        [(4.5, 0), (4.2, 1), (3.9, 2), (3.6, 3), (3.3, 4), (3.0, 5), (2.7, 6), (2.4, 7)]

    public let identity: SensorIdentity
    public let sampleRateHz: Double
    public let dataReadyEdge = Edge.rising  // CRP = 0: DRDY is active high
    public let gain: Int
    public let ldoVolts: Double
    private let bus: I2CBus
    private let address: UInt8
    private let clock: MonotonicClock
    private let rateCode: UInt8
    private let gainCode: UInt8
    private let ldoCode: UInt8

    public init(bus: I2CBus, clock: MonotonicClock, address: UInt8 = NAU7802.defaultAddress,
                sampleRateHz: Double = 320, gain: Int = 128, ldoVolts: Double = 3.3) throws(SensorError) {
        guard let rate = Self.rates.first(where: { $0.hz == sampleRateHz }) else {
            throw .unsupportedSetting("NAU7802 rate \(sampleRateHz) SPS is not one of 10, 20, 40, 80, 320")
        }
        guard let gainIndex = Self.gains.firstIndex(of: gain) else {
            throw .unsupportedSetting("NAU7802 gain \(gain) is not one of 1, 2, 4, …, 128")
        }
        guard let ldo = Self.ldoVolts.first(where: { $0.volts == ldoVolts }) else {
            throw .unsupportedSetting("NAU7802 LDO \(ldoVolts) V is not one of 2.4 … 4.5 V in 0.3 V steps")
        }
        self.bus = bus
        self.clock = clock
        self.address = address
        self.sampleRateHz = sampleRateHz
        self.gain = gain
        self.ldoVolts = ldoVolts
        rateCode = rate.code
        gainCode = UInt8(gainIndex)
        ldoCode = ldo.code
        identity = SensorIdentity(chip: "NAU7802", bus: bus.name, address: address)
    }

    public func start() throws(SensorError) {
        // Probe: the revision register's low nibble reads 0xF.
        let revision = try SensorError.probing(identity) { () throws(I2CError) in
            try bus.readByte(address, register: Register.revision)
        }
        guard revision & 0x0F == 0x0F else {
            throw .wrongChip(identity, "revision register 0x1F reads 0x\(hex(revision)), expected 0x?F")
        }
        try SensorError.starting {
            // Power-up sequence (datasheet 9.1): reset, power the digital side, wait for PUR.
            try bus.writeByte(address, register: Register.puCtrl, value: PowerUp.registerReset)
            try bus.writeByte(address, register: Register.puCtrl, value: PowerUp.digital)
            try waitFor("power-up (PUR)", timeoutNs: 100_000_000) { () throws(I2CError) in
                try bus.readByte(address, register: Register.puCtrl) & PowerUp.ready != 0
            }
            try bus.writeByte(address, register: Register.puCtrl,
                              value: PowerUp.digital | PowerUp.analog | PowerUp.internalLDO)
            try bus.writeByte(address, register: Register.ctrl1, value: ldoCode << Control1.ldoShift | gainCode)  // CRP = 0
            try bus.writeByte(address, register: Register.ctrl2, value: rateCode << Control2.rateShift)
            // Chopper clock off (REG_CHPS = 11) and the Vin2 decoupling capacitor on, as the datasheet recommends.
            try bus.writeByte(address, register: Register.adc, value: Self.chopperClockOff)
            let pga = try bus.readByte(address, register: Register.pgaPower)
            try bus.writeByte(address, register: Register.pgaPower, value: pga | Self.pgaCapacitorOn)
            try bus.writeByte(address, register: Register.puCtrl,
                              value: PowerUp.digital | PowerUp.analog | PowerUp.internalLDO | PowerUp.cycleStart)
            // Internal offset calibration (CALMOD = 00), after the rate and gain are set.
            try bus.writeByte(address, register: Register.ctrl2,
                              value: rateCode << Control2.rateShift | Control2.calibrationStart)
            try waitFor("internal offset calibration (CALS)", timeoutNs: 1_000_000_000) { () throws(I2CError) in
                try bus.readByte(address, register: Register.ctrl2) & Control2.calibrationStart == 0
            }
            if try bus.readByte(address, register: Register.ctrl2) & Control2.calibrationError != 0 {
                throw SensorError.calibrationFailed(identity, "CAL_ERR set after internal offset calibration")
            }
        }
    }

    public func conversionReady() throws(I2CError) -> Bool? {
        try bus.readByte(address, register: Register.puCtrl) & PowerUp.conversionReady != 0
    }

    /// After a reset PU_CTRL reads 0: powered down, no cycle started.
    public func isConfigured() throws(I2CError) -> Bool {
        let running = PowerUp.digital | PowerUp.analog | PowerUp.cycleStart
        return try bus.readByte(address, register: Register.puCtrl) & running == running
    }

    public func readConversion() throws(I2CError) -> Reading {
        var bytes: (UInt8, UInt8, UInt8) = (0, 0, 0)
        try withUnsafeMutableBytes(of: &bytes) { (buffer) throws(I2CError) in
            try bus.readBlock(address, register: Register.adcoB2, into: buffer)
        }
        let unsigned = UInt32(bytes.0) << 16 | UInt32(bytes.1) << 8 | UInt32(bytes.2)
        let raw = Int32(bitPattern: unsigned << 8) >> 8  // sign-extend 24 bits
        return Reading(raw: raw, saturated: raw == 0x7F_FFFF || raw == -0x80_0000)
    }

    /// Polls `condition` every 100 µs until it holds or `timeoutNs` passes.
    private func waitFor(_ step: String, timeoutNs: Int64,
                         _ condition: () throws(I2CError) -> Bool) throws {
        let deadline = clock.nowNs() + timeoutNs
        while try !condition() {
            let now = clock.nowNs()
            guard now < deadline else { throw SensorError.timeout(identity, step) }
            clock.sleep(untilNs: now + 100_000)
        }
    }
}
