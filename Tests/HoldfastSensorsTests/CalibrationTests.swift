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

    @Test func filesRoundTripAndBelongToTheirSensor() throws {
        let path = NSTemporaryDirectory() + "holdfast-cal-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try Calibrator.calibrate(sensor: identity, tare: readings(10), loaded: readings(50_010), knownMassKg: 1)
        try c.write(to: path)
        #expect(try SensorCalibration.read(from: path, for: identity) == c)
        let other = SensorIdentity(chip: "ADS1115", bus: "/dev/i2c-1", address: 0x48)
        do {
            _ = try SensorCalibration.read(from: path, for: other)
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("made for NAU7802 at 0x2A on /dev/i2c-1, not ADS1115 at 0x48"))
        }
    }

    @Test(arguments: [
        ("not json", "not a calibration file"),
        (#"{"format":1}"#, "missing key"),
        (#"{"format":1,"sensor":{"chip":"NAU7802","bus":"b","address":42},"offset_counts":"x","newtons_per_count":1,"known_mass_kg":1,"noise_n":0,"created":""}"#, "wrong type at \"offset_counts\""),
        (#"{"format":2,"sensor":{"chip":"NAU7802","bus":"b","address":42},"offset_counts":1,"newtons_per_count":1,"known_mass_kg":1,"noise_n":0,"created":""}"#, "format 2 is not 1"),
        (#"{"format":1,"sensor":{"chip":"NAU7802","bus":"b","address":42},"offset_counts":1,"newtons_per_count":0,"known_mass_kg":1,"noise_n":0,"created":""}"#, "must be finite and non-zero"),
    ])
    func badFilesAreNamed(text: String, expected: String) throws {
        let path = NSTemporaryDirectory() + "holdfast-cal-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SensorCalibration.read(from: path)
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}
