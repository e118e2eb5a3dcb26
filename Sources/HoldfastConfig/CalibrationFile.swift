import FoundationEssentials
import HoldfastPOSIX
import HoldfastSensors

/// Calibration files on disk (what `holdfast calibrate` writes and the daemon
/// reads): JSON, written atomically, checked on reading against the sensor
/// they are for. The calibration itself is a value of HoldfastSensors.
extension SensorCalibration {
    /// Writes the file atomically (a temporary file renamed over the old one).
    public func write(to path: String) throws(CalibrationError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw .file(path, "cannot encode: \(error)") }
        do { try writeFileAtomically(Array(data) + Array("\n".utf8), to: path) } catch {
            throw .file(path, "cannot write: \(error.reason)")
        }
    }

    /// Reads and checks a calibration file; with `sensor`, refuses one made for another sensor.
    public static func read(from path: String, for sensor: SensorIdentity? = nil) throws(CalibrationError) -> SensorCalibration {
        let data: Data
        do { data = Data(try readFile(path, limit: 1 << 20)) } catch {
            throw .file(path, "cannot read: \(error.reason)")
        }
        let calibration: SensorCalibration
        do { calibration = try JSONDecoder().decode(SensorCalibration.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw .file(path, "missing key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .file(path, "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\"")
        } catch {
            throw .file(path, "not a calibration file (JSON)")
        }
        guard calibration.format == format else { throw .file(path, "format \(calibration.format) is not \(format)") }
        guard calibration.newtonsPerCount.isFinite, calibration.newtonsPerCount != 0 else {
            throw .file(path, "newtons_per_count must be finite and non-zero")
        }
        if let sensor, sensor != calibration.sensor {
            throw .file(path, "made for \(calibration.sensor.description), not \(sensor.description)")
        }
        return calibration
    }
}
