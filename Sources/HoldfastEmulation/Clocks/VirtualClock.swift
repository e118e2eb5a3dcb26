import HoldfastSensors

/// Emulated time: sleeping moves it forward instantly. The acquisition loop,
/// the emulated chips and their data-ready lines all read it, so an emulated
/// hour runs in a second and every run is identical.
/// Used from one thread (the acquisition's) at a time.
public final class VirtualClock: MonotonicClock, @unchecked Sendable {
    public private(set) var now: Int64

    public init(startNs: Int64 = 0) { now = startNs }

    public func nowNs() -> Int64 { now }
    public func sleep(untilNs: Int64) { now = max(now, untilNs) }
    public func advance(byNs delta: Int64) { now += max(0, delta) }
}
