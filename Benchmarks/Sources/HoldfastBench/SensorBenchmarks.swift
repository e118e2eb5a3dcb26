import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors
import HoldfastEmulation
import Synchronization

/// The sensor path in real time: an emulated chip whose conversions
/// complete on the system clock, read through the real driver by the real
/// acquisition loop (live policy: drop when the ring is full), with the core
/// on a second thread.
enum SensorBenchmarks {
    struct Result {
        var configuredHz: Double
        var achievedHz: Double
        var samples: Int
        /// Conversions that completed between the first and last sample but were never read
        /// (the reader was late and the line kept only the newest edge).
        var missed: Int
        var drops: Int
        var p50Us: Double
        var p99Us: Double
    }

    /// CLOCK_MONOTONIC with a spinning sleep: conversions 10 µs apart cannot wait on the scheduler.
    final class SpinningClock: MonotonicClock {
        let system = SystemMonotonicClock()
        func nowNs() -> Int64 { system.nowNs() }
        func sleep(untilNs: Int64) { while system.nowNs() < untilNs {} }
    }

    /// A press repeating every two seconds.
    final class Presses: ForceSource {
        func force(atNs t: Int64) -> Double? {
            let phase = t % 2_000_000_000
            return phase < 1_000_000_000 ? 30 : 0
        }
    }

    static func run(_ chip: EmulatedChip, rateOverrideHz: Double?, seconds: Double) -> Result? {
        let clock = SpinningClock()
        guard let sensor = try? EmulatedSensor(chip, force: Presses(), startNs: clock.nowNs(), clock: clock,
                                               rateOverrideHz: rateOverrideHz),
              let ring = try? SPSCRing<Sample>(minimumCapacity: 4096) else { return nil }
        let rate = rateOverrideHz ?? sensor.driver.sampleRateHz
        guard let calibration = try? ForceCalibration(offset: sensor.offsetCounts, newtonsPerCount: sensor.newtonsPerCount),
              let chainTemplate = try? SignalChain(SignalConfig(calibration: calibration, sampleRateHz: rate)) else { return nil }
        let acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: clock, ring: ring)
        let stop = Atomic<Bool>(false)
        let capacity = Int(rate * seconds * 1.2) + 1024

        // The consumer returns the latencies it measured (reserved up front: nothing allocates while it runs).
        guard let consumer = try? JoinableThread(name: "bench-core", { () -> [Int64] in
            var chain = chainTemplate
            var latencies: [Int64] = []
            latencies.reserveCapacity(capacity)
            while true {
                // Stop read before the pop: once it is set the producer has pushed its last sample,
                // so an empty ring after it is empty for good.
                let stopping = stop.load(ordering: .acquiring)
                if let s = ring.pop() {
                    _ = chain.process(s)
                    if latencies.count < capacity { latencies.append(clock.nowNs() - s.timestampNs) }
                } else if stopping {
                    break
                }
            }
            return latencies
        }) else { return nil }

        let end = clock.nowNs() + Int64(seconds * 1e9)
        acquisition.run(until: { clock.nowNs() >= end })
        stop.store(true, ordering: .releasing)
        let sorted = consumer.join().sorted()
        let stats = acquisition.statistics.snapshot
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? .nan : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
        }
        return Result(configuredHz: rate, achievedHz: stats.achievedRateHz, samples: stats.samples,
                      missed: stats.achievedRateHz > 0
                          ? max(0, Int((Double(stats.samples - 1) * rate / stats.achievedRateHz).rounded()) + 1 - stats.samples) : 0,
                      drops: ring.droppedCount, p50Us: percentile(0.5), p99Us: percentile(0.99))
    }
}
