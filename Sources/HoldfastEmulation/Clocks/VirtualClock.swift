import HoldfastSensors
import Synchronization

/// Emulated time: sleeping moves it forward instantly. The acquisition loop,
/// the emulated chips and their data-ready lines all read it, so an emulated
/// hour runs in a second and every run is identical. Tests move it by hand.
/// An atomic, so it can be read from any thread; time only moves forward.
public final class VirtualClock: MonotonicClock, Sendable {
    private let time: Atomic<Int64>

    public init(startNs: Int64 = 0) { time = Atomic(startNs) }

    public var now: Int64 { time.load(ordering: .relaxed) }
    public func nowNs() -> Int64 { now }
    public func sleep(untilNs: Int64) { _ = time.max(untilNs, ordering: .relaxed) }
    public func advance(byNs delta: Int64) { _ = time.wrappingAdd(max(0, delta), ordering: .relaxed) }
}
