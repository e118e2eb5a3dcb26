import HoldfastPOSIX
import ArgumentParser
import HoldfastCore
import HoldfastLinux
import HoldfastSensors

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Read a sensor for a few seconds and report rate, errors and force: a wiring check.")

    @OptionGroup var sensor: SensorOptions

    @Option(help: "A calibration file from `holdfast calibrate` (to show newtons).")
    var calibration: String?

    @Option(help: "Seconds to read.")
    var seconds: Double = 3

    @Flag(name: .customLong("realtime"), help: "Ask for SCHED_FIFO priority 50 on the acquisition thread.")
    var realtime = false

    func validate() throws {
        guard seconds.isFinite, seconds >= 0.1, seconds <= 3600 else { throw ValidationError("--seconds \(seconds): 0.1 to 3600") }
    }

    func run() throws {
        do {
            let opened = try sensor.open()
            let calibration = try self.calibration.map { path throws in
                try SensorCalibration.read(from: path, for: opened.driver.identity)
            }
            if realtime { RealtimeScheduling.apply(fifoPriority: 50, cpu: nil).forEach { print($0) } }
            let ring = try SPSCRing<Sample>(minimumCapacity: 1 << 16)
            let acquisition = Acquisition(sensor: opened.driver, line: opened.line, clock: opened.clock, ring: ring,
                                          log: Log { _, message in print("  " + message) })
            let count = Int(seconds * opened.driver.sampleRateHz)
            let samples = acquisition.collect(count: count, deadlineNs: opened.clock.nowNs() + Int64(seconds * 1e9) + 1_000_000_000)
            let stats = acquisition.statistics.snapshot
            print("\(opened.driver.identity.description), data-ready: \(opened.line?.name ?? "none (polling)")")
            print("\(samples.count) samples, \(f(stats.achievedRateHz, 1)) Hz achieved (\(f(opened.driver.sampleRateHz, 0)) configured), "
                  + "\(stats.errors) errors, \(stats.gaps) gaps, \(stats.polledSamples) polled, \(stats.saturated) saturated")
            guard !samples.isEmpty else { throw CommandFailure("no samples arrived") }
            let raws = samples.map { Double($0.raw) }
            let mean = raws.reduce(0, +) / Double(raws.count)
            let sd = (raws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, raws.count - 1))).squareRoot()
            print("raw: mean \(f(mean, 1)), sd \(f(sd, 1)) counts, range \(samples.map(\.raw).min() ?? 0) to "
                  + "\(samples.map(\.raw).max() ?? 0), \(Set(samples.map(\.raw)).count) distinct values")
            if let c = calibration {
                print("force: mean \(f((mean - Double(c.offsetCounts)) * c.newtonsPerCount, 3)) N, "
                      + "noise \(f(sd * abs(c.newtonsPerCount), 3)) N")
            }
        } catch let error as ValidationError {
            throw error
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

private func f(_ v: Double, _ decimals: Int) -> String { DecimalText.fixed(v, decimals: decimals) }
