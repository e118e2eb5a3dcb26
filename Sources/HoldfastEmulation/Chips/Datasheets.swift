/// The register maps of the emulated chips, written from the datasheets
/// (Nuvoton NAU7802 rev. 1.7; TI ADS1115 SBAS444 and ADS1015 SBAS473) and
/// never from the drivers' constants. The emulators read and write only
/// these, so a wrong register, bit or table entry in a driver makes the
/// driver and its emulator disagree; `RegisterMapTests` compares the two
/// maps entry by entry, so a slip on either side fails a test.
/// `package`: the tests are the only other readers.
package enum NAU7802Datasheet {
    /// The 7-bit I2C address (fixed).
    package static let address: UInt8 = 0x2A
    /// Registers 0x00–0x1F.
    package static let registerCount = 0x20

    /// Register addresses (datasheet §11).
    package enum Register {
        package static let puCtrl: UInt8 = 0x00
        package static let ctrl1: UInt8 = 0x01
        package static let ctrl2: UInt8 = 0x02
        /// ADCO_B2, then B1 (0x13) and B0 (0x14): the conversion result, most significant byte first.
        package static let adcoB2: UInt8 = 0x12
        /// ADC (REG_CHPS bits 5:4, chopper clock) when OTP is not selected.
        package static let adc: UInt8 = 0x15
        /// Power control (PGA_CAP_EN bit 7).
        package static let powerControl: UInt8 = 0x1C
        /// Device revision: REVISION_ID in bits 3:0 reads 0xF.
        package static let deviceRevision: UInt8 = 0x1F
    }

    /// PU_CTRL (0x00) bits.
    package enum PUCtrl {
        package static let rr: UInt8 = 0x01      // register reset
        package static let pud: UInt8 = 0x02     // power up digital
        package static let pua: UInt8 = 0x04     // power up analog
        package static let pur: UInt8 = 0x08     // power up ready (read only)
        package static let cs: UInt8 = 0x10      // cycle start
        package static let cr: UInt8 = 0x20      // cycle ready (read only; cleared by reading ADCO)
        package static let avdds: UInt8 = 0x80   // AVDD from the internal LDO
    }

    /// CTRL1 (0x01) fields (bit 7, CRP, left 0: DRDY active high).
    package enum Ctrl1 {
        package static let gainsMask: UInt8 = 0x07   // bits 2:0, gain = 2^GAINS
        package static let vldoShift: UInt8 = 3      // bits 5:3
        package static let vldoMask: UInt8 = 0x38
    }

    /// CTRL2 (0x02) fields (CALMOD, bits 1:0, 00: internal offset calibration).
    package enum Ctrl2 {
        package static let cals: UInt8 = 0x04        // start calibration; reads 1 until it is done
        package static let calError: UInt8 = 0x08
        package static let crsShift: UInt8 = 4       // bits 6:4
        package static let crsMask: UInt8 = 0x70
    }

    /// CRS code → conversions per second (codes 4–6 are reserved).
    package static let conversionRates: [UInt8: Double] = [0b000: 10, 0b001: 20, 0b010: 40, 0b011: 80, 0b111: 320]
    /// VLDO code → LDO output in volts.
    package static let ldoVolts: [UInt8: Double] =
        [0b000: 4.5, 0b001: 4.2, 0b010: 3.9, 0b011: 3.6, 0b100: 3.3, 0b101: 3.0, 0b110: 2.7, 0b111: 2.4]
    /// REG_CHPS = 11 (bits 5:4 of ADC): chopper clock off, as recommended.
    package static let chopperClockOff: UInt8 = 0x30
    /// PGA_CAP_EN (bit 7 of power control): the Vin2 decoupling capacitor.
    package static let pgaCapacitorEnable: UInt8 = 0x80
    /// The result is 24-bit two's complement.
    package static let resultBits = 24
    /// How long after PUD is set PUR rises (the power-up sequence waits about 200 µs).
    package static let powerUpNs: Int64 = 200_000
}

package enum ADS1x15Datasheet {
    /// The two parts share the register map; they differ in resolution and rates.
    package enum Part: Sendable {
        case ads1115, ads1015

        /// DR code (config bits 7:5) → samples per second.
        package var dataRates: [Double] {
            switch self {
            case .ads1115: [8, 16, 32, 64, 128, 250, 475, 860]
            case .ads1015: [128, 250, 490, 920, 1600, 2400, 3300, 3300]
            }
        }

        /// Bits of the conversion result; the ADS1015's 12 are left-justified in the 16-bit register.
        package var resultBits: Int { self == .ads1115 ? 16 : 12 }
    }

    /// ADDR pin to GND, VDD, SDA, SCL.
    package static let addresses: ClosedRange<UInt8> = 0x48...0x4B

    /// The address pointer register's values (P1:P0).
    package enum Pointer {
        package static let conversion: UInt8 = 0b00
        package static let config: UInt8 = 0b01
        package static let loThresh: UInt8 = 0b10
        package static let hiThresh: UInt8 = 0b11
    }

    /// Config register fields.
    package enum Config {
        package static let os: UInt16 = 0x8000         // write 1: start a single conversion; read 0: converting
        package static let muxShift: UInt16 = 12       // bits 14:12
        package static let pgaShift: UInt16 = 9        // bits 11:9
        package static let mode: UInt16 = 0x0100       // 1 = single-shot / power-down, 0 = continuous
        package static let drShift: UInt16 = 5         // bits 7:5
        package static let compPol: UInt16 = 0x0008    // 0 = ALERT/RDY active low
        package static let compQueMask: UInt16 = 0x0003  // 11 = comparator off, ALERT/RDY high impedance
        package static let fieldMask: UInt16 = 0x7       // MUX, PGA and DR are three bits each
    }

    /// MUX codes used by Holdfast's kits.
    package enum Mux {
        package static let ain0MinusAin1: UInt16 = 0b000
        package static let ain0ToGround: UInt16 = 0b100
    }

    /// PGA code → full-scale range in volts (± this).
    package static let fullScaleVolts: [Double] = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256]

    /// Power-on values.
    package static let resetConfig: UInt16 = 0x8583
    package static let resetLoThresh: UInt16 = 0x8000
    package static let resetHiThresh: UInt16 = 0x7FFF
    /// Conversion-ready mode on ALERT/RDY: Hi_thresh MSB 1 and Lo_thresh MSB 0 (and the comparator on).
    package static let thresholdMSB: UInt16 = 0x8000
}
