import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors

/// A chip on a Linux I2C adapter, with its data-ready line on a gpiochip:
/// opened in one place for the daemon, `holdfast calibrate` and `holdfast check`.
public enum LinuxSensor {
    /// Why a sensor could not be opened: the adapter, the chip, the line, or its calibration.
    public enum OpenError: Error, CustomStringConvertible {
        case bus(SystemError)
        case chip(SensorError)
        case line(GPIOError)
        case calibration(String)

        public var description: String {
            switch self {
            case .bus(let e): e.description
            case .chip(let e): e.description
            case .line(let e): e.description
            case .calibration(let why): why
            }
        }
    }

    /// The chip's driver on the adapter at `bus` (e.g. `/dev/i2c-1`), and its data-ready line if one is given.
    public static func open(_ chip: SensorChip, bus: String, address: UInt8? = nil, sampleRateHz: Double? = nil,
                            dataReady: LineAddress?) throws(OpenError) -> (driver: ForceSensor, line: DataReadyLine?, clock: MonotonicClock) {
        let adapter: LinuxI2CBus
        do { adapter = try LinuxI2CBus(path: bus) } catch { throw .bus(error) }
        let clock = SystemMonotonicClock()
        let driver: ForceSensor
        do { driver = try chip.driver(bus: adapter, clock: clock, address: address, sampleRateHz: sampleRateHz) } catch { throw .chip(error) }
        guard let dataReady else { return (driver, nil, clock) }
        do {
            let line = try GPIODataReadyLine(chip: dataReady.chip, offset: dataReady.offset, edge: driver.dataReadyEdge)
            return (driver, line, clock)
        } catch {
            throw .line(error)
        }
    }

    /// The daemon's source: the chip, read with `calibration` (made for this chip, or refused).
    public static func source(_ chip: SensorChip, bus: String, address: UInt8?, sampleRateHz: Double?, dataReady: LineAddress?,
                              calibration: SensorCalibration) throws(OpenError) -> SensorSource {
        let (driver, line, clock) = try open(chip, bus: bus, address: address, sampleRateHz: sampleRateHz, dataReady: dataReady)
        guard calibration.sensor == driver.identity else {
            throw .calibration("the calibration was made for \(calibration.sensor.description), not \(driver.identity.description)")
        }
        let counts: ForceCalibration
        do { counts = try calibration.forceCalibration() } catch { throw .calibration("\(error)") }
        return SensorSource(driver: driver, line: line, clock: clock, calibration: counts,
                            description: driver.identity.description,
                            dataReady: line.map { "data-ready \($0.name) through libgpiod \(LibGPIOD.apiGeneration).x" }
                                ?? "no data-ready line: polling")
    }
}
