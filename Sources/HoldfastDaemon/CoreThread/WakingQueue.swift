import HoldfastPOSIX
import Synchronization

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
