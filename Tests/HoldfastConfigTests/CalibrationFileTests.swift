import Foundation
import HoldfastConfig
import HoldfastSensors
import Testing

/// Calibration files: written atomically, read back exactly, refused when made for another sensor or malformed.
@Suite("Calibration files")
struct CalibrationFileTests {
    let identity = SensorIdentity(chip: "NAU7802", bus: "/dev/i2c-1", address: 0x2A)

    /// Steady readings around `mean` (a small fixed pattern of noise).
    func readings(_ mean: Int32, count: Int = 400) -> [Reading] {
        (0..<count).map { Reading(raw: mean + Int32($0 % 7) * 3 - 9, saturated: false) }
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
