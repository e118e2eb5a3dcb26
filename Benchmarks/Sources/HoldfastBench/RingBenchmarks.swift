import HoldfastCore
import HoldfastPOSIX
import Synchronization

/// Throughput of rings between two spinning threads, in millions of samples per second.
enum RingBenchmarks {
    static func spsc(count: Int, capacity: Int, batch: Int) -> Double {
        guard let ring = try? SPSCRing<Sample>(minimumCapacity: capacity) else { return .nan }
        return transfer(ring, count: count, batch: batch)
    }

    static func mutex(count: Int, capacity: Int, batch: Int) -> Double {
        transfer(MutexRing(capacity: capacity), count: count, batch: batch)
    }

    /// Producer on this thread, consumer on another; the consumer checks the order.
    /// Generic, so each ring's calls are specialised and inlined as in real use.
    private static func transfer<Ring: BenchmarkedRing>(_ ring: Ring, count: Int, batch: Int) -> Double {
        var misordered: Int?
        let seconds = measure {
            // The consumer returns how many samples it saw out of order.
            guard let consumer = try? JoinableThread(name: "bench-consumer", { () -> Int in
                var expected: Int64 = 0
                var bad = 0
                while expected < count {
                    _ = ring.popBatch(maxCount: batch) { run in
                        for s in run {
                            if s.timestampNs != expected { bad += 1 }
                            expected += 1
                        }
                    }
                }
                return bad
            }) else { return }
            var next = 0
            if batch == 1 {
                while next < count {
                    if ring.push(Sample(timestampNs: Int64(next), raw: Int32(truncatingIfNeeded: next))) { next += 1 }
                }
            } else {
                var buffer = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: batch)
                buffer.withUnsafeMutableBufferPointer { b in
                    while next < count {
                        let want = min(batch, count - next)
                        for i in 0..<want { b[i] = Sample(timestampNs: Int64(next + i), raw: Int32(truncatingIfNeeded: next + i)) }
                        next += ring.push(contentsOf: UnsafeBufferPointer(rebasing: b[..<want]))
                    }
                }
            }
            misordered = consumer.join()
        }
        if misordered != 0 { return .nan }
        return Double(count) / seconds / 1e6
    }
}

/// What the ring benchmark needs of a ring.
protocol BenchmarkedRing: AnyObject, Sendable {
    func push(_ s: Sample) -> Bool
    func push(contentsOf elements: UnsafeBufferPointer<Sample>) -> Int
    func popBatch<E: Error>(maxCount: Int, _ body: (UnsafeBufferPointer<Sample>) throws(E) -> Void) throws(E) -> Int
}

extension SPSCRing<Sample>: BenchmarkedRing {}

/// The baseline: the same ring with a mutex instead of atomics.
final class MutexRing: BenchmarkedRing, @unchecked Sendable {
    private struct Indices { var head = 0, tail = 0 }
    private let indices = Mutex(Indices())
    private let storage: UnsafeMutablePointer<Sample>
    private let capacity: Int
    private let mask: Int

    init(capacity: Int) {
        self.capacity = capacity
        mask = capacity - 1
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    func push(_ s: Sample) -> Bool {
        indices.withLock { i in
            guard i.head - i.tail < capacity else { return false }
            storage[i.head & mask] = s
            i.head += 1
            return true
        }
    }

    func push(contentsOf elements: UnsafeBufferPointer<Sample>) -> Int {
        indices.withLock { i in
            let n = min(capacity - (i.head - i.tail), elements.count)
            for k in 0..<n { storage[(i.head + k) & mask] = elements[k] }
            i.head += n
            return n
        }
    }

    func popBatch<E: Error>(maxCount: Int, _ body: (UnsafeBufferPointer<Sample>) throws(E) -> Void) throws(E) -> Int {
        try indices.withLock { (i) throws(E) -> Int in
            let n = min(i.head - i.tail, maxCount)
            guard n > 0 else { return 0 }
            let start = i.tail & mask
            let first = min(n, capacity - start)
            try body(UnsafeBufferPointer(start: storage + start, count: first))
            if first < n { try body(UnsafeBufferPointer(start: storage, count: n - first)) }
            i.tail += n
            return n
        }
    }
}
