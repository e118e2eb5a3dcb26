import HoldfastPOSIX
import HoldfastSensors
import Testing

@Suite("ADS1115/ADS1015 driver")
struct ADS1x15Tests {
    /// SMBus words carry the low byte first; the ADS1x15 sends the high byte first.
    func wire(_ v: UInt16) -> UInt16 { v.byteSwapped }

    @Test func configuresConversionReadyModeAndChecksReadBack() throws {
        // AIN0 single-ended (100), ±4.096 V (001), continuous (0), 860 SPS (111), comparator on, active low.
        let config: UInt16 = 0b0_100_001_0_111_0_0_0_00
        let bus = ScriptedBus([
            .readWord(0x49, 1, reply: wire(0x8583)),
            .writeWord(0x49, 2, wire(0x0000)),
            .writeWord(0x49, 3, wire(0x8000)),
            .writeWord(0x49, 1, wire(config)),
            .readWord(0x49, 2, reply: wire(0x0000)),
            .readWord(0x49, 3, reply: wire(0x8000)),
            .readWord(0x49, 1, reply: wire(config)),
        ])
        let chip = try ADS1x15(.ads1115, bus: bus, address: 0x49)
        #expect(chip.config == config)
        #expect(chip.sampleRateHz == 860)
        #expect(chip.dataReadyEdge == .falling)
        try chip.start()
        #expect(bus.finished)
    }

    /// The power-on config (0x8583: single-shot, powered down) is a reset chip; the OS bit alone is not.
    @Test func aResetChipReadsAsNotConfigured() throws {
        let config: UInt16 = 0b0_100_001_0_111_0_0_0_00
        let bus = ScriptedBus([
            .readWord(0x48, 1, reply: wire(config)),
            .readWord(0x48, 1, reply: wire(config | 0x8000)),
            .readWord(0x48, 1, reply: wire(0x8583)),
        ])
        let chip = try ADS1x15(.ads1115, bus: bus)
        #expect(try chip.isConfigured())
        #expect(try chip.isConfigured())
        #expect(try !chip.isConfigured())
        #expect(bus.finished)
    }

    @Test func theADS1015UsesItsOwnRateTableAndTwelveBits() throws {
        let chip = try ADS1x15(.ads1015, bus: ScriptedBus([
            .readWord(0x48, 0, reply: wire(0x7FF0)),
            .readWord(0x48, 0, reply: wire(0xFFE0)),
            .readWord(0x48, 0, reply: wire(0x1230)),
        ]), sampleRateHz: 3300)
        #expect(chip.config & 0x00E0 == 6 << 5)  // 3300 SPS is DR code 110 (111 is also 3300)
        #expect(try chip.readConversion() == Reading(raw: 0x7FF, saturated: true))
        #expect(try chip.readConversion() == Reading(raw: -2, saturated: false))
        #expect(try chip.readConversion() == Reading(raw: 0x123, saturated: false))
        #expect(try chip.conversionReady() == nil)
    }

    @Test func sixteenBitResultsAndSaturation() throws {
        let chip = try ADS1x15(.ads1115, bus: ScriptedBus([
            .readWord(0x48, 0, reply: wire(0x8000)),
            .readWord(0x48, 0, reply: wire(0x0102)),
        ]))
        #expect(try chip.readConversion() == Reading(raw: -32768, saturated: true))
        #expect(try chip.readConversion() == Reading(raw: 0x0102, saturated: false))
    }

    @Test func aDeviceThatDoesNotReadBackIsNotAnADS() throws {
        let chip = try ADS1x15(.ads1115, bus: ScriptedBus([
            .readWord(0x48, 1, reply: 0),
            .writeWord(0x48, 2, 0), .writeWord(0x48, 3, wire(0x8000)), .writeWord(0x48, 1, wire(0x42E0)),
            .readWord(0x48, 2, reply: 0), .readWord(0x48, 3, reply: 0), .readWord(0x48, 1, reply: 0),
        ]))
        do { try chip.start(); Issue.record("no error") } catch {
            guard case .wrongChip = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("registers did not read back as written"))
        }
    }

    @Test func rejectsRatesAndAddressesOutsideTheDatasheet() {
        #expect(throws: SensorError.self) { try ADS1x15(.ads1115, bus: ScriptedBus([]), sampleRateHz: 3300) }
        #expect(throws: SensorError.self) { try ADS1x15(.ads1015, bus: ScriptedBus([]), sampleRateHz: 860) }
        #expect(throws: SensorError.self) { try ADS1x15(.ads1115, bus: ScriptedBus([]), address: 0x2A) }
    }
}
