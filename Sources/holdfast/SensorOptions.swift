import ArgumentParser
import HoldfastCore
import HoldfastLinux
import HoldfastSensors
import HoldfastEmulation

/// Which sensor, on which bus, with which data-ready line: shared by the
/// commands that talk to a sensor. `--bus emulated` uses the register-level
/// emulator in emulated time instead of hardware.
struct SensorOptions: ParsableArguments {
    @Option(help: "The chip: nau7802, ads1115 or ads1015.")
    var sensor: String

    @Option(help: ArgumentHelp("The I2C bus device, or \"emulated\".", valueName: "path"))
    var bus: String = "/dev/i2c-1"

    @Option(help: ArgumentHelp("The chip's I2C address (default 0x2A for the NAU7802, 0x48 for the ADS1x15).", valueName: "hex"))
    var address: String?

    @Option(help: ArgumentHelp("The data-ready line as CHIP:OFFSET, CHIP a gpiochip label or path (e.g. pinctrl-bcm2711:17). Without it, the sensor is polled.",
                               valueName: "chip:offset"))
    var drdy: String?

    var chip: EmulatedChip? { EmulatedChip(rawValue: sensor) }

    func validate() throws {
        guard chip != nil else { throw ValidationError("--sensor \(sensor): not one of nau7802, ads1115, ads1015") }
        if address != nil { _ = try parsedAddress() }
        if let drdy { _ = try parsedLine(drdy) }
    }

    func parsedAddress() throws -> UInt8? {
        guard let address else { return nil }
        let digits = address.hasPrefix("0x") ? String(address.dropFirst(2)) : address
        guard let value = UInt8(digits, radix: 16), value < 0x78 else {
            throw ValidationError("--address \(address): not a 7-bit I2C address in hex")
        }
        return value
    }

    func parsedLine(_ text: String) throws -> LineAddress {
        guard let line = LineAddress(parsing: text) else {
            throw ValidationError("--drdy \(text): expected CHIP:OFFSET, e.g. gpiochip0:17")
        }
        return line
    }

    /// An opened sensor: driver, optional line and clock.
    struct Opened {
        var driver: ForceSensor
        var line: DataReadyLine?
        var clock: MonotonicClock
        /// Set for an emulated sensor: what force it feels.
        var load: AdjustableForce?
        var emulated: EmulatedSensor?
    }

    func open() throws -> Opened {
        guard let chip else { throw ValidationError("--sensor \(sensor)") }
        if bus == "emulated" {
            let load = AdjustableForce()
            let emulated = try EmulatedSensor(chip, force: load)
            return Opened(driver: emulated.driver, line: emulated.line, clock: emulated.clock, load: load, emulated: emulated)
        }
        let (driver, line, clock) = try LinuxSensor.open(chip, bus: bus, address: try parsedAddress(),
                                                         dataReady: try drdy.map(parsedLine))
        return Opened(driver: driver, line: line, clock: clock, load: nil, emulated: nil)
    }
}

/// The force on an emulated sensor, set by the command (a mass placed on it).
final class AdjustableForce: ForceSource {
    var newtons = 0.0
    func force(atNs timeNs: Int64) -> Double? { newtons }
}
