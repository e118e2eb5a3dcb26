import HoldfastPOSIX
import HoldfastSensors

/// CLOCK_MONOTONIC run `speed` times faster, for playing an emulated session
/// quicker than real time (tests, demos). Speed 1 is the real clock.
final class ScaledClock: MonotonicClock, Sendable {
    private let system = SystemMonotonicClock()
    private let base: Int64
    private let speed: Double

    init(speed: Double) {
        self.speed = speed
        base = system.nowNs()
    }

    func nowNs() -> Int64 { base + Int64(Double(system.nowNs() - base) * speed) }

    func sleep(untilNs: Int64) {
        system.sleep(untilNs: base + Int64(Double(untilNs - base) / speed))
    }
}
