import HoldfastCore
import HoldfastTestSupport
import Synchronization
import Testing

import HoldfastPOSIX

@Suite("SPSC ring")
struct SPSCRingTests {
    @Test func capacityRoundsUpToPowerOfTwo() throws {
        #expect(try SPSCRing<Int>(minimumCapacity: 5).capacity == 8)
        #expect(try SPSCRing<Int>(minimumCapacity: 1024).capacity == 1024)
        #expect(throws: RingError.capacityOutOfRange(requested: 1)) { try SPSCRing<Int>(minimumCapacity: 1) }
    }

    @Test func fullRingRefusesAndCountsDrops() throws {
        let ring = try SPSCRing<Int>(minimumCapacity: 4)
        for i in 0..<4 { #expect(ring.push(i)) }
        #expect(!ring.push(99))
        #expect(!ring.push(100))
        #expect(ring.droppedCount == 2)
        #expect(ring.pop() == 0)
        #expect(ring.push(4))
        #expect((0..<4).map { _ in ring.pop() } == [1, 2, 3, 4])
        #expect(ring.pop() == nil)
    }

    /// Random batch sizes on both sides, many times around: every value comes
    /// out once, in order, including runs that straddle the end of the storage.
    @Test func batchesKeepOrderAcrossWrapAround() throws {
        let ring = try SPSCRing<Int>(minimumCapacity: 16)
        var random = SeededRandom(fallback: 0x5D5C_0016)
        let replay = random.replay
        var next = 0
        var expected = 0
        var input = [Int](repeating: 0, count: 40)
        while expected < 5000 {
            let want = Int.random(in: 0...40, using: &random)
            for i in 0..<want { input[i] = next + i }
            let pushed = input.withUnsafeBufferPointer { ring.push(contentsOf: UnsafeBufferPointer(rebasing: $0[..<want])) }
            #expect(pushed <= want, "\(replay)")
            next += pushed
            _ = ring.popBatch(maxCount: Int.random(in: 1...20, using: &random)) { batch in
                for v in batch {
                    #expect(v == expected, "\(replay)")
                    expected += 1
                }
            }
        }
        #expect(ring.droppedCount == 0, "\(replay)")
    }

    /// A producer and a consumer on two threads move a sequence through a
    /// small ring; the consumer checks every value. CI also runs this under
    /// the thread sanitizer. HOLDFAST_LONG_STRESS=1 runs fifty times longer.
    @Test func twoThreadStressLosesNothing() throws {
        let long = getenv("HOLDFAST_LONG_STRESS").map { String(cString: $0) == "1" } ?? false
        let total = long ? 50_000_000 : 1_000_000
        let ring = try SPSCRing<Int>(minimumCapacity: 64)
        let errors = Atomic<Int>(0)
        let consumed = Atomic<Int>(0)
        let consumer = try JoinableThread(name: "ring-consumer") {
            var expected = 0
            while expected < total {
                var seen = expected
                let n = ring.popBatch(maxCount: 7) { batch in  // one or two runs
                    for v in batch {
                        if v != seen { errors.wrappingAdd(1, ordering: .relaxed) }
                        seen += 1
                    }
                }
                if seen != expected + n { errors.wrappingAdd(1, ordering: .relaxed) }
                expected += n
                if n == 0, let v = ring.pop() {
                    if v != expected { errors.wrappingAdd(1, ordering: .relaxed) }
                    expected += 1
                }
            }
            consumed.store(expected, ordering: .releasing)
        }
        var next = 0
        var chunk = [Int](repeating: 0, count: 5)
        while next < total {
            if next % 3 == 0 {
                if ring.push(next) { next += 1 }
                continue
            }
            let want = min(chunk.count, total - next)
            for i in 0..<want { chunk[i] = next + i }
            next += chunk.withUnsafeBufferPointer { ring.push(contentsOf: UnsafeBufferPointer(rebasing: $0[..<want])) }
        }
        consumer.join()
        #expect(errors.load(ordering: .relaxed) == 0)
        #expect(consumed.load(ordering: .acquiring) == total)
    }
}
