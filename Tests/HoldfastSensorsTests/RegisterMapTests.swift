@testable import HoldfastEmulation
@testable import HoldfastSensors
import Testing

/// The drivers' register constants against the emulators' own maps, written
/// apart from them from the datasheets (`Datasheets.swift`). The emulator
/// tests pass only when driver and emulator agree; this says where they do
/// not, so a slip in either map fails here by name.
@Suite("Register maps: drivers against the datasheets")
struct RegisterMapTests {
    typealias NAU = NAU7802Datasheet
    typealias ADS = ADS1x15Datasheet

    @Test func nau7802Registers() {
        #expect(NAU7802.defaultAddress == NAU.address)
        #expect(NAU7802.Register.puCtrl == NAU.Register.puCtrl)
        #expect(NAU7802.Register.ctrl1 == NAU.Register.ctrl1)
        #expect(NAU7802.Register.ctrl2 == NAU.Register.ctrl2)
        #expect(NAU7802.Register.adcoB2 == NAU.Register.adcoB2)
        #expect(NAU7802.Register.adc == NAU.Register.adc)
        #expect(NAU7802.Register.pgaPower == NAU.Register.powerControl)
        #expect(NAU7802.Register.revision == NAU.Register.deviceRevision)
    }

    @Test func nau7802Bits() throws {
        #expect(NAU7802.PowerUp.registerReset == NAU.PUCtrl.rr)
        #expect(NAU7802.PowerUp.digital == NAU.PUCtrl.pud)
        #expect(NAU7802.PowerUp.analog == NAU.PUCtrl.pua)
        #expect(NAU7802.PowerUp.ready == NAU.PUCtrl.pur)
        #expect(NAU7802.PowerUp.cycleStart == NAU.PUCtrl.cs)
        #expect(NAU7802.PowerUp.conversionReady == NAU.PUCtrl.cr)
        #expect(NAU7802.PowerUp.internalLDO == NAU.PUCtrl.avdds)
        #expect(NAU7802.Control1.ldoShift == NAU.Ctrl1.vldoShift)
        #expect(NAU7802.Control2.calibrationStart == NAU.Ctrl2.cals)
        #expect(NAU7802.Control2.calibrationError == NAU.Ctrl2.calError)
        #expect(NAU7802.Control2.rateShift == NAU.Ctrl2.crsShift)
        #expect(NAU7802.chopperClockOff == NAU.chopperClockOff)
        #expect(NAU7802.pgaCapacitorOn == NAU.pgaCapacitorEnable)
        // DRDY active high: CRP (CTRL1 bit 7) left at 0 by the driver.
        #expect(try NAU7802(bus: ScriptedBus([]), clock: VirtualClock()).dataReadyEdge == .rising)
    }

    @Test func nau7802Tables() {
        for (hz, code) in NAU7802.rates { #expect(NAU.conversionRates[code] == hz, "CRS \(code)") }
        #expect(NAU7802.rates.count == NAU.conversionRates.count)
        for (volts, code) in NAU7802.ldoVolts { #expect(NAU.ldoVolts[code] == volts, "VLDO \(code)") }
        #expect(NAU7802.ldoVolts.count == NAU.ldoVolts.count)
        for (code, gain) in NAU7802.gains.enumerated() {
            #expect(UInt8(code) & ~NAU.Ctrl1.gainsMask == 0 && gain == 1 << code, "GAINS \(code)")
        }
        #expect(NAU7802.gains.count == Int(NAU.Ctrl1.gainsMask) + 1)
    }

    @Test func ads1x15Registers() {
        #expect(ADS1x15.Register.conversion == ADS.Pointer.conversion)
        #expect(ADS1x15.Register.config == ADS.Pointer.config)
        #expect(ADS1x15.Register.loThresh == ADS.Pointer.loThresh)
        #expect(ADS1x15.Register.hiThresh == ADS.Pointer.hiThresh)
        #expect(ADS1x15.addresses == ADS.addresses)
        #expect(ADS1x15.ConfigField.os == ADS.Config.os)
        #expect(ADS1x15.ConfigField.muxShift == ADS.Config.muxShift)
        #expect(ADS1x15.ConfigField.pgaShift == ADS.Config.pgaShift)
        #expect(ADS1x15.ConfigField.drShift == ADS.Config.drShift)
        #expect(ADS1x15.Input.differential01.rawValue == ADS.Mux.ain0MinusAin1)
        #expect(ADS1x15.Input.single0.rawValue == ADS.Mux.ain0ToGround)
        // Conversion-ready mode on ALERT/RDY.
        #expect(ADS1x15.readyHiThresh & ADS.thresholdMSB != 0 && ADS1x15.readyLoThresh & ADS.thresholdMSB == 0)
    }

    /// What the driver writes: continuous, comparator on (COMP_QUE not 11), ALERT/RDY active low.
    @Test func ads1x15ConfigurationIsConversionReadyMode() throws {
        for variant in ADS1x15.Variant.allCases {
            let config = try ADS1x15(variant, bus: ScriptedBus([])).config
            #expect(config & ADS.Config.mode == 0, "\(variant) continuous")
            #expect(config & ADS.Config.compQueMask != ADS.Config.compQueMask, "\(variant) comparator on")
            #expect(config & ADS.Config.compPol == 0, "\(variant) active low")
            #expect(config & ADS.Config.os == 0)
        }
        #expect(try ADS1x15(.ads1115, bus: ScriptedBus([])).dataReadyEdge == .falling)
    }

    @Test func ads1x15Tables() {
        for (volts, code) in ADS1x15.ranges { #expect(ADS.fullScaleVolts[Int(code)] == volts, "PGA \(code)") }
        for (variant, part) in [(ADS1x15.Variant.ads1115, ADS.Part.ads1115), (.ads1015, .ads1015)] {
            #expect(variant.rates == part.dataRates, "\(variant) DR table")
            #expect(variant.maxCode == (1 << (part.resultBits - 1)) - 1, "\(variant) resolution")
            #expect(variant.shift == Int32(16 - part.resultBits), "\(variant) left-justified result")
        }
    }
}
