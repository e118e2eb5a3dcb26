import Synchronization

/// A bounded single-producer, single-consumer ring buffer.
///
/// ## Guarantees
/// - **One producer, one consumer.** Exactly one thread at a time calls the
///   producer methods (`push(_:)`, `tryPush(_:)`, `push(contentsOf:)`), and exactly one
///   thread at a time calls the consumer methods (`pop()`, `popBatch`).
///   Any thread may read `capacity` and `droppedCount`.
/// - **Wait-free.** Push and pop finish in a bounded number of steps: no
///   locks, no system calls, no allocation. The storage is allocated once, at
///   initialisation, with a power-of-two capacity.
/// - **Order and no loss.** Elements leave in the order they entered; none is
///   duplicated. A full ring refuses new elements, it never overwrites.
/// - **The producer never blocks.** `push(_:)` returns `false` and counts a drop
///   when the ring is full (the live acquisition policy). `push(contentsOf:)`
///   reports how many fitted and leaves the decision to the caller (replay
///   waits and retries, so it never drops).
///
/// ## Memory ordering
/// `head` is written only by the producer and `tail` only by the consumer.
/// The producer's releasing store of `head` publishes the element writes to the
/// consumer's acquiring load of `head`; the consumer's releasing store of
/// `tail` tells the producer, through its acquiring load of `tail`, that the
/// slots it read may be overwritten. Each side keeps a cached copy of the other
/// side's index and refreshes it only when the cache says full (or empty), so
/// in the steady state each operation touches the shared line of the other
/// side once per batch, not once per element.
///
/// Indices grow without bound (an `Int` lasts 290 years at 1 GHz) and are
/// reduced with `mask`, so "full" and "empty" never need a spare slot.
public final class SPSCRing<Element: BitwiseCopyable>: @unchecked Sendable {
    // Padding keeps the object header (written by reference counting), the
    // producer's line and the consumer's line apart. 128 bytes rather than 64
    // because x86 prefetches cache lines in adjacent pairs.
    @usableFromInline let padHeader = CacheLinePadding()

    // Producer's line.
    /// Next index to write. Written by the producer (releasing), read by the consumer (acquiring).
    @usableFromInline let head = Atomic<Int>(0)
    /// Producer's last view of `tail`. Producer-only, so relaxed.
    @usableFromInline let producerCachedTail = Atomic<Int>(0)
    /// Elements refused by `push(_:)` because the ring was full.
    @usableFromInline let drops = Atomic<Int>(0)
    @usableFromInline let padProducer = CacheLinePadding()

    // Consumer's line.
    /// Next index to read. Written by the consumer (releasing), read by the producer (acquiring).
    @usableFromInline let tail = Atomic<Int>(0)
    /// Consumer's last view of `head`. Consumer-only, so relaxed.
    @usableFromInline let consumerCachedHead = Atomic<Int>(0)
    @usableFromInline let padConsumer = CacheLinePadding()

    // Read-only after init, shared by both sides.
    @usableFromInline let storage: UnsafeMutablePointer<Element>
    @usableFromInline let mask: Int
    /// How many elements the ring holds at most (a power of two).
    public let capacity: Int

    /// Creates a ring holding at least `minimumCapacity` elements (rounded up to a power of two).
    public init(minimumCapacity: Int) throws(RingError) {
        guard minimumCapacity >= 2, minimumCapacity <= 1 << 30 else {
            throw RingError.capacityOutOfRange(requested: minimumCapacity)
        }
        var capacity = 2
        while capacity < minimumCapacity { capacity <<= 1 }
        self.capacity = capacity
        self.mask = capacity - 1
        self.storage = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    // MARK: Producer side

    /// Appends one element; returns `false` and counts a drop if the ring is full.
    @inlinable @inline(__always)
    public func push(_ element: Element) -> Bool {
        if tryPush(element) { return true }
        drops.wrappingAdd(1, ordering: .relaxed)
        return false
    }

    /// Appends one element; returns `false` if the ring is full, without
    /// counting a drop (for a producer that waits and retries).
    @inlinable @inline(__always)
    public func tryPush(_ element: Element) -> Bool {
        let h = head.load(ordering: .relaxed)  // our own index
        if h &- producerCachedTail.load(ordering: .relaxed) == capacity {
            // Pairs with the consumer's releasing store of `tail`.
            let t = tail.load(ordering: .acquiring)
            producerCachedTail.store(t, ordering: .relaxed)
            if h &- t == capacity { return false }
        }
        (storage + (h & mask)).initialize(to: element)
        // Pairs with the consumer's acquiring load of `head`.
        head.store(h &+ 1, ordering: .releasing)
        return true
    }

    /// Appends as many elements of `elements` as fit, in order; returns how many.
    /// Refused elements are not counted as drops: the caller decides.
    @inlinable
    public func push(contentsOf elements: UnsafeBufferPointer<Element>) -> Int {
        let h = head.load(ordering: .relaxed)
        var free = capacity &- (h &- producerCachedTail.load(ordering: .relaxed))
        if free < elements.count {
            // Pairs with the consumer's releasing store of `tail`.
            let t = tail.load(ordering: .acquiring)
            producerCachedTail.store(t, ordering: .relaxed)
            free = capacity &- (h &- t)
        }
        let n = min(free, elements.count)
        guard n > 0, let base = elements.baseAddress else { return 0 }
        let start = h & mask
        let firstPart = min(n, capacity - start)
        (storage + start).initialize(from: base, count: firstPart)
        if firstPart < n {
            storage.initialize(from: base + firstPart, count: n - firstPart)
        }
        // Pairs with the consumer's acquiring load of `head`.
        head.store(h &+ n, ordering: .releasing)
        return n
    }

    // MARK: Consumer side

    /// Removes and returns the oldest element, or `nil` if the ring is empty.
    @inlinable @inline(__always)
    public func pop() -> Element? {
        let t = tail.load(ordering: .relaxed)  // our own index
        if t == consumerCachedHead.load(ordering: .relaxed) {
            // Pairs with the producer's releasing store of `head`.
            let h = head.load(ordering: .acquiring)
            consumerCachedHead.store(h, ordering: .relaxed)
            if t == h { return nil }
        }
        let element = (storage + (t & mask)).pointee
        // Pairs with the producer's acquiring load of `tail`.
        tail.store(t &+ 1, ordering: .releasing)
        return element
    }

    /// Hands up to `maxCount` of the oldest elements to `body` in place (in one
    /// or two contiguous runs, when they wrap), then releases their slots.
    /// Returns how many elements were consumed. No copy, no allocation.
    @inlinable
    public func popBatch<E: Error>(
        maxCount: Int,
        _ body: (UnsafeBufferPointer<Element>) throws(E) -> Void
    ) throws(E) -> Int {
        let t = tail.load(ordering: .relaxed)
        var available = consumerCachedHead.load(ordering: .relaxed) &- t
        if available < maxCount {
            // Pairs with the producer's releasing store of `head`.
            let h = head.load(ordering: .acquiring)
            consumerCachedHead.store(h, ordering: .relaxed)
            available = h &- t
        }
        let n = min(available, maxCount)
        guard n > 0 else { return 0 }
        let start = t & mask
        let firstPart = min(n, capacity - start)
        try body(UnsafeBufferPointer(start: storage + start, count: firstPart))
        if firstPart < n {
            try body(UnsafeBufferPointer(start: storage, count: n - firstPart))
        }
        // Pairs with the producer's acquiring load of `tail`.
        tail.store(t &+ n, ordering: .releasing)
        return n
    }

    // MARK: Either side

    /// Elements refused by `push(_:)` since creation.
    public var droppedCount: Int { drops.load(ordering: .relaxed) }
}

/// Why a ring could not be created.
public enum RingError: Error, Equatable, CustomStringConvertible {
    case capacityOutOfRange(requested: Int)

    public var description: String {
        switch self {
        case .capacityOutOfRange(let requested):
            "ring capacity \(requested) is out of range (2 ... 2^30)"
        }
    }
}

/// 128 bytes of nothing, to keep independently written fields on separate cache lines.
@usableFromInline
struct CacheLinePadding: Sendable {
    @usableFromInline var words: (Int, Int, Int, Int, Int, Int, Int, Int,
                                  Int, Int, Int, Int, Int, Int, Int, Int)
    @usableFromInline init() { words = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) }
}
