import ArgumentParser
import HoldfastPOSIX
import HoldfastCore
import HoldfastSensors

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Tare and span a sensor with a known mass; write a calibration file.",
        discussion: """
            Remove all load, press Enter (tare), place the known mass, press Enter (span). \
            The file records the sensor's identity, so it is never applied to another sensor.
            """)

    @OptionGroup var sensor: SensorOptions

    @Option(name: .customLong("known-mass-kg"), help: "The reference mass placed for the span (kg).")
    var knownMassKg: Double

    @Option(help: "Where to write the calibration (JSON).")
    var output: String

    @Option(help: "Seconds of readings for each step.")
    var seconds: Double = 2

    @Flag(help: "Do not wait for Enter between steps (for scripts and the emulator).")
    var yes = false

    func validate() throws {
        guard knownMassKg.isFinite, knownMassKg > 0, knownMassKg < 500 else {
            throw ValidationError("--known-mass-kg \(knownMassKg): must be above 0 and below 500")
        }
        guard seconds.isFinite, seconds >= 0.1, seconds <= 60 else { throw ValidationError("--seconds: 0.1 to 60") }
    }

    func run() throws {
        do {
            let opened = try sensor.open()
            let ring = try SPSCRing<Sample>(minimumCapacity: 1 << 16)
            let acquisition = Acquisition(sensor: opened.driver, line: opened.line, clock: opened.clock, ring: ring,
                                          log: Log { _, message in printError("  " + message) })
            let count = Int(seconds * opened.driver.sampleRateHz)
            // The first quarter second after the prompt is settling (a mass just put down still rocks).
            let settle = Int(0.25 * opened.driver.sampleRateHz)
            func window(_ prompt: String) -> [Reading] {
                if !yes {
                    print(prompt + " Press Enter when ready.", terminator: "")
                    _ = readLine()
                }
                let samples = acquisition.collect(count: settle + count,
                                                  deadlineNs: opened.clock.nowNs() + Int64(seconds * 3e9) + 2_000_000_000)
                return samples.dropFirst(settle).map { Reading(raw: $0.raw, saturated: $0.flags.contains(.saturated)) }
            }
            let tare = window("Remove all load from the sensor.")
            opened.load?.newtons = knownMassKg * 9.80665
            let loaded = window("Place the \(DecimalText.fixed(knownMassKg, decimals: 3)) kg mass on the sensor.")
            let calibration = try Calibrator.calibrate(sensor: opened.driver.identity, tare: tare, loaded: loaded,
                                                       knownMassKg: knownMassKg)
            try calibration.write(to: output)
            print("""
                \(opened.driver.identity.description): offset \(calibration.offsetCounts) counts, \
                \(calibration.newtonsPerCount) N/count, noise \(DecimalText.fixed(calibration.noiseN, decimals: 3)) N
                wrote \(output)
                """)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
