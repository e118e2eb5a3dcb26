import HoldfastEmulation
import HoldfastPOSIX
import HoldfastSensors
import Testing

@Suite("NAU7802 driver")
struct NAU7802Tests {
    let a: UInt8 = 0x2A

    /// The datasheet's power-up sequence, configuration and internal offset calibration.
    func startScript(pollsForReady: Int = 1, calibrationPolls: Int = 1) -> [ScriptedBus.Transfer] {
        var s: [ScriptedBus.Transfer] = [
            .readByte(a, 0x1F, reply: 0x0F),          // revision
            .writeByte(a, 0x00, 0x01),                // RR
            .writeByte(a, 0x00, 0x02),                // PUD
        ]
        for _ in 0..<pollsForReady { s.append(.readByte(a, 0x00, reply: 0x02)) }
        s += [
            .readByte(a, 0x00, reply: 0x0A),          // PUR set
            .writeByte(a, 0x00, 0x86),                // PUD | PUA | AVDDS
            .writeByte(a, 0x01, 0x27),                // VLDO 3.3 V (code 4) | gain 128 (code 7)
            .writeByte(a, 0x02, 0x70),                // CRS 320 SPS
            .writeByte(a, 0x15, 0x30),                // chopper clock off
            .readByte(a, 0x1C, reply: 0x00),
            .writeByte(a, 0x1C, 0x80),                // PGA cap on
            .writeByte(a, 0x00, 0x96),                // + CS
            .writeByte(a, 0x02, 0x74),                // CALS
        ]
        for _ in 0..<calibrationPolls { s.append(.readByte(a, 0x02, reply: 0x74)) }
        s += [.readByte(a, 0x02, reply: 0x70), .readByte(a, 0x02, reply: 0x70)]
        return s
    }

    @Test func startsWithTheDatasheetSequence() throws {
        let bus = ScriptedBus(startScript(pollsForReady: 3, calibrationPolls: 2))
        let clock = VirtualClock()
        let chip = try NAU7802(bus: bus, clock: clock)
        try chip.start()
        #expect(bus.finished)
        #expect(clock.now == 500_000)  // five 100 µs polls
    }

    @Test func decodesTwentyFourBitTwosComplement() throws {
        let bus = ScriptedBus([
            .readBlock(a, 0x12, reply: [0x12, 0x34, 0x56]),
            .readBlock(a, 0x12, reply: [0xFF, 0xFF, 0xFE]),
            .readBlock(a, 0x12, reply: [0x7F, 0xFF, 0xFF]),
            .readBlock(a, 0x12, reply: [0x80, 0x00, 0x00]),
            .readByte(a, 0x00, reply: 0xBE),
        ])
        let chip = try NAU7802(bus: bus, clock: VirtualClock())
        #expect(try chip.readConversion() == Reading(raw: 0x123456, saturated: false))
        #expect(try chip.readConversion() == Reading(raw: -2, saturated: false))
        #expect(try chip.readConversion() == Reading(raw: 0x7FFFFF, saturated: true))
        #expect(try chip.readConversion() == Reading(raw: -0x800000, saturated: true))
        #expect(try chip.conversionReady() == true)
    }

    /// Running: PUD, PUA and CS set (CR and PUR come and go). After a reset PU_CTRL reads 0.
    @Test func aResetChipReadsAsNotConfigured() throws {
        let bus = ScriptedBus([.readByte(a, 0x00, reply: 0xBE), .readByte(a, 0x00, reply: 0x96),
                               .readByte(a, 0x00, reply: 0x00), .readByte(a, 0x00, reply: 0x86)])
        let chip = try NAU7802(bus: bus, clock: VirtualClock())
        #expect(try chip.isConfigured())
        #expect(try chip.isConfigured())
        #expect(try !chip.isConfigured())
        #expect(try !chip.isConfigured())  // powered, but no conversion cycle started
        #expect(bus.finished)
    }

    @Test func noAnswerAndWrongChipAreNamed() throws {
        let silent = try NAU7802(bus: ScriptedBus([.fail(a, 0x1F, errno: ENXIO)]), clock: VirtualClock())
        do { try silent.start(); Issue.record("no error") } catch {
            guard case .noChip = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("no NAU7802 answers at 0x2A on scripted"))
        }
        let other = try NAU7802(bus: ScriptedBus([.readByte(a, 0x1F, reply: 0x42)]), clock: VirtualClock())
        do { try other.start(); Issue.record("no error") } catch {
            #expect(error == .wrongChip(other.identity, "revision register 0x1F reads 0x42, expected 0x?F"))
        }
    }

    @Test func aChipThatNeverPowersUpTimesOut() throws {
        var script: [ScriptedBus.Transfer] = [.readByte(a, 0x1F, reply: 0x0F), .writeByte(a, 0x00, 0x01), .writeByte(a, 0x00, 0x02)]
        script += Array(repeating: .readByte(a, 0x00, reply: 0x02), count: 1001)
        let chip = try NAU7802(bus: ScriptedBus(script), clock: VirtualClock())
        #expect(throws: SensorError.timeout(chip.identity, "power-up (PUR)")) { try chip.start() }
    }

    @Test func calibrationErrorsAreReported() throws {
        var script = startScript()
        script[script.count - 1] = .readByte(a, 0x02, reply: 0x78)  // CAL_ERR
        let chip = try NAU7802(bus: ScriptedBus(script), clock: VirtualClock())
        #expect(throws: SensorError.calibrationFailed(chip.identity, "CAL_ERR set after internal offset calibration")) {
            try chip.start()
        }
    }

    @Test func rejectsSettingsTheChipDoesNotHave() {
        #expect(throws: SensorError.self) { try NAU7802(bus: ScriptedBus([]), clock: VirtualClock(), sampleRateHz: 1000) }
        #expect(throws: SensorError.self) { try NAU7802(bus: ScriptedBus([]), clock: VirtualClock(), gain: 3) }
        #expect(throws: SensorError.self) { try NAU7802(bus: ScriptedBus([]), clock: VirtualClock(), ldoVolts: 5) }
    }
}
