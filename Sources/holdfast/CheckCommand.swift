import ArgumentParser
import Foundation
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

    func run() throws {
        do {
            let opened = try sensor.open()
            let calibration = try self.calibration.map { path throws in
                try SensorCalibration.read(from: path, for: opened.driver.identity)
            }
            if realtime { RealtimeScheduling.apply(fifoPriority: 50, cpu: nil).forEach { print($0) } }
            let ring = try SPSCRing<Sample>(minimumCapacity: 1 << 16)
            let acquisition = Acquisition(sensor: opened.driver, line: opened.line, clock: opened.clock, ring: ring,
                                          log: { print("  " + $0) })
            let count = Int(seconds * opened.driver.sampleRateHz)
            let samples = acquisition.collect(count: count, deadlineNs: opened.clock.nowNs() + Int64(seconds * 1e9) + 1_000_000_000)
            let stats = acquisition.statistics.snapshot
            print("\(opened.driver.identity.description), data-ready: \(opened.line?.name ?? "none (polling)")")
            print(String(format: "%d samples, %.1f Hz achieved (%.0f configured), %d errors, %d gaps, %d polled, %d saturated",
                         samples.count, stats.achievedRateHz, opened.driver.sampleRateHz, stats.errors, stats.gaps,
                         stats.polledSamples, stats.saturated))
            guard !samples.isEmpty else { throw CommandFailure("no samples arrived") }
            let raws = samples.map { Double($0.raw) }
            let mean = raws.reduce(0, +) / Double(raws.count)
            let sd = (raws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, raws.count - 1))).squareRoot()
            print(String(format: "raw: mean %.1f, sd %.1f counts, range %d to %d, %d distinct values",
                         mean, sd, samples.map(\.raw).min() ?? 0, samples.map(\.raw).max() ?? 0, Set(samples.map(\.raw)).count))
            if let c = calibration {
                print(String(format: "force: mean %.3f N, noise %.3f N", (mean - Double(c.offsetCounts)) * c.newtonsPerCount,
                             sd * abs(c.newtonsPerCount)))
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
