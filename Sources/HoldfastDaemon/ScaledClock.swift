import HoldfastPOSIX
import HoldfastSensors
import HoldfastSimulator

/// CLOCK_MONOTONIC run `speed` times faster, for playing an emulated session
/// quicker than real time (tests, demos). Speed 1 is the real clock.
final class ScaledClock: MonotonicClock, @unchecked Sendable {
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

/// A force source moved in time: what the trace had at `t - offset`.
final class ShiftedForceSource: ForceSource {
    let inner: ForceSource
    let offsetNs: Int64
    init(_ inner: ForceSource, offsetNs: Int64) {
        self.inner = inner
        self.offsetNs = offsetNs
    }
    func force(atNs timeNs: Int64) -> Double? {
        let (t, overflow) = timeNs.subtractingReportingOverflow(offsetNs)
        return overflow ? nil : inner.force(atNs: t)  // past the end of time: the trace has ended
    }
}
