import HoldfastCore
import Synchronization

/// What the core thread publishes for the live view, sample by sample, with
/// relaxed atomic stores (no lock on the hot path). Readers take the fields
/// one by one: a frame may mix two adjacent samples, which the display
/// cannot tell apart.
public final class LiveState: Sendable {
    let forceQ16 = Atomic<Int>(0)
    let timeNs = Atomic<Int64>(0)
    let stage = Atomic<UInt8>(0)
    let contactStartNs = Atomic<Int64>(0)
    let samples = Atomic<Int>(0)
    let alarm = Atomic<Bool>(false)
    /// The level the hold in progress established (Q16.16; 0 before it has one), and whether the press has the client's signal.
    let establishedQ16 = Atomic<Int>(0)
    let signalled = Atomic<Bool>(false)
    /// Incremented on every loop of the core thread, busy or idle: the watchdog's proof of life.
    let heartbeat = Atomic<Int>(0)

    public init() {}

    public struct Snapshot: Sendable {
        public var forceN: Double
        public var timeNs: Int64
        public var stage: HoldStage
        public var contactStartNs: Int64
        public var samples: Int
        public var alarm: Bool
        public var establishedN: Double
        public var signalled: Bool
    }

    public var snapshot: Snapshot {
        Snapshot(forceN: Q16.newtons(Int32(truncatingIfNeeded: forceQ16.load(ordering: .relaxed))),
                 timeNs: timeNs.load(ordering: .relaxed),
                 stage: HoldStage(rawValue: stage.load(ordering: .relaxed)) ?? .idle,
                 contactStartNs: contactStartNs.load(ordering: .relaxed),
                 samples: samples.load(ordering: .relaxed),
                 alarm: alarm.load(ordering: .relaxed),
                 establishedN: Q16.newtons(Int32(truncatingIfNeeded: establishedQ16.load(ordering: .relaxed))),
                 signalled: signalled.load(ordering: .relaxed))
    }
}
