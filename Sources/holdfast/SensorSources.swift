import HoldfastPOSIX
import HoldfastConfig
import HoldfastEmulation
import HoldfastLinux
import HoldfastSensors

/// The daemon's sensor, opened as the settings say: a chip on its I2C adapter
/// with its calibration file, or (bus = emulated) a trace played into an
/// emulated chip, its point labels fed to the daemon over its own socket.
enum SensorSources {
    struct OpenFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func open(_ settings: SensorSettings, socket: String,
                     log: Log) throws(OpenFailure) -> SensorSource {
        if settings.isEmulated {
            guard let trace = settings.emulateTrace else { throw OpenFailure(description: "bus = emulated needs emulate_trace") }
            let feeder: LabelFeeder
            do { feeder = try LabelFeeder(socket: socket, log: log) } catch { throw OpenFailure(description: "\(error)") }
            do {
                return try EmulatedSession.play(trace, chip: settings.chip, speed: settings.emulateSpeed, faults: settings.emulateFaults,
                                                sampleRateHz: settings.rateHz, onPoint: { label, _ in feeder.enqueue(label) },
                                                onOutcome: { feeder.enqueue(command: .outcome($0)) })
            } catch {
                throw OpenFailure(description: error.description)
            }
        }
        guard let path = settings.calibrationPath else { throw OpenFailure(description: "a real sensor needs calibration") }
        do {
            let calibration = try SensorCalibration.read(from: path)
            return try LinuxSensor.source(settings.chip, bus: settings.bus, address: settings.address, sampleRateHz: settings.rateHz,
                                          dataReady: settings.dataReady, calibration: calibration)
        } catch let error as CalibrationError {
            throw OpenFailure(description: error.description)
        } catch {
            throw OpenFailure(description: "\(error)")
        }
    }
}
