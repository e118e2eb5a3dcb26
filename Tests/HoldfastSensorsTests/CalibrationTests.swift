import Foundation
import HoldfastSensors
import Testing

@Suite("Calibration")
struct CalibrationTests {
    let identity = SensorIdentity(chip: "NAU7802", bus: "/dev/i2c-1", address: 0x2A)

    func readings(_ mean: Int32, noise: Int32 = 20, count: Int = 400, saturatedAt: Int? = nil) -> [Reading] {
        (0..<count).map { i in
            Reading(raw: mean + Int32(i % 7) * noise / 3 - noise, saturated: i == saturatedAt)
        }
    }

    @Test func tareAndSpanGiveOffsetAndScale() throws {
        let c = try Calibrator.calibrate(sensor: identity, tare: readings(130_000), loaded: readings(216_000), knownMassKg: 2)
        #expect(abs(Double(c.offsetCounts) - 130_000) <= 1)
        #expect(abs(c.newtonsPerCount - 2 * 9.80665 / 86_000) < 1e-9)
        #expect(c.sensor == identity)
    }

    @Test func refusesWhatWouldGiveAWrongCalibration() {
        #expect(throws: CalibrationError.tooFewSamples(5)) {
            try Calibrator.calibrate(sensor: identity, tare: readings(0, count: 5), loaded: readings(9_000), knownMassKg: 1)
        }
        #expect(throws: CalibrationError.saturated("span")) {
            try Calibrator.calibrate(sensor: identity, tare: readings(0), loaded: readings(9_000, saturatedAt: 3), knownMassKg: 1)
        }
        #expect(throws: CalibrationError.noLoad(counts: 40)) {
            try Calibrator.calibrate(sensor: identity, tare: readings(0), loaded: readings(40), knownMassKg: 1)
        }
        let moving = (0..<400).map { Reading(raw: Int32($0 * 10), saturated: false) }
        #expect(throws: CalibrationError.unsteady("tare")) {
            try Calibrator.calibrate(sensor: identity, tare: moving, loaded: readings(90_000), knownMassKg: 1)
        }
    }
}
