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
    }

    public var snapshot: Snapshot {
        Snapshot(forceN: Q16.newtons(Int32(truncatingIfNeeded: forceQ16.load(ordering: .relaxed))),
                 timeNs: timeNs.load(ordering: .relaxed),
                 stage: HoldStage(rawValue: stage.load(ordering: .relaxed)) ?? .idle,
                 contactStartNs: contactStartNs.load(ordering: .relaxed),
                 samples: samples.load(ordering: .relaxed),
                 alarm: alarm.load(ordering: .relaxed))
    }
}

/// What the core thread reports to the event loop (rare: a few per minute).
public enum CoreEvent: Sendable {
    case hold(HoldRecord)
    case touch(atNs: Int64)
    case alarm(on: Bool, atNs: Int64, forceQ16: Int32)
    /// The first sample after a gap, and how long the stream had been silent.
    case gap(atNs: Int64, missingNs: Int64)
    case tared(offsetCounts: Int32, atNs: Int64)
    case tareRefused(String)
    /// The thresholds that follow a new scale were refused (the event loop checks first, so this is a bug).
    case scaleRefused(String)
    /// A point label from the emulated session's trace.
    case point(String, atNs: Int64)
    case finished
}

/// What the event loop asks of the core thread.
public enum CoreCommand: Sendable {
    case tare
    case setScale(PressureScale)
}

/// A small mutex-guarded queue with an eventfd to wake the reader's poll().
/// Used for events and commands only, never per sample.
public final class WakingQueue<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    /// Set (releasing) when items are waiting, so the core can check cheaply per batch.
    private let waiting = Atomic<Bool>(false)
    public let eventFD: Int32

    public init(eventFD: Int32) { self.eventFD = eventFD }

    public func push(_ item: Element) {
        items.withLock { $0.append(item) }
        waiting.store(true, ordering: .releasing)
        if eventFD >= 0 {
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { write(eventFD, $0.baseAddress, 8) }
        }
    }

    public var hasItems: Bool { waiting.load(ordering: .acquiring) }

    public func drain() -> [Element] {
        if eventFD >= 0 {
            var counter: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &counter) { read(eventFD, $0.baseAddress, 8) }
        }
        waiting.store(false, ordering: .relaxed)
        return items.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
