import AllocationCounter
import HoldfastCore

/// Heap allocations made by the hot path once it is running.
enum AllocationBenchmarks {
    /// (what, allocations counted, samples processed).
    static func run() -> [(String, Int, Int)] {
        let samples = ChainBenchmarks.presses(count: 200_000)
        var results: [(String, Int, Int)] = []

        // Signal chain: warm up on the first half, count on the second.
        if var chain = ChainBenchmarks.makeChain() {
            var holds = 0
            samples.withUnsafeBufferPointer { all in
                chain.process(UnsafeBufferPointer(rebasing: all[..<100_000])) { _ in holds += 1 }
                allocation_counter_start()
                chain.process(UnsafeBufferPointer(rebasing: all[100_000...])) { _ in holds += 1 }
            }
            results.append(("signal chain", Int(allocation_counter_stop()), 100_000))
            blackHole(holds)
        }

        // Ring: push and pop through a small ring on one thread.
        if let ring = try? SPSCRing<Sample>(minimumCapacity: 1024) {
            var sum: Int64 = 0
            samples.withUnsafeBufferPointer { all in
                allocation_counter_start()
                var offset = 0
                while offset < all.count {
                    offset += ring.push(contentsOf: UnsafeBufferPointer(rebasing: all[offset..<min(offset + 256, all.count)]))
                    _ = ring.popBatch(maxCount: 256) { run in for s in run { sum &+= s.timestampNs } }
                    if ring.push(all[min(offset, all.count - 1)]) { _ = ring.pop() }
                }
            }
            results.append(("ring push and pop", Int(allocation_counter_stop()), samples.count))
            blackHole(Int(truncatingIfNeeded: sum))
        }
        return results
    }
}
