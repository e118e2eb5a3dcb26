import AllocationCounter
import HoldfastCore
import HoldfastDaemon
import HoldfastEmulation
import HoldfastPOSIX
import HoldfastSensors

/// Heap allocations made by the hot path once it is running.
enum AllocationBenchmarks {
    /// What was measured: allocations counted (nil: it could not run) over `samples`.
    struct Row {
        var name: String
        var allocations: Int?
        var samples: Int
    }

    static func run() -> [Row] {
        [chain(), ring()] + [EmulatedChip.nau7802, .ads1115].map(acquisition) + [coreLoop()]
    }

    /// The counter itself: allocations counted while making `n` arrays (at least `n` if it works),
    /// so that every 0 reported is a 0 and not a counter that counts nothing.
    static func counterCheck(_ n: Int = 1000) -> Int {
        allocation_counter_start()
        var total = 0
        for i in 0..<n { total += [Int](repeating: i, count: 16 + total % 7).count }
        let counted = Int(allocation_counter_stop())
        blackHole(total)
        return counted
    }

    /// Signal chain: warm up on the first half, count on the second.
    static func chain() -> Row {
        let samples = ChainBenchmarks.presses(count: 200_000)
        guard var chain = ChainBenchmarks.makeChain() else { return Row(name: "signal chain", allocations: nil, samples: 0) }
        var holds = 0
        samples.withUnsafeBufferPointer { all in
            chain.process(UnsafeBufferPointer(rebasing: all[..<100_000])) { _ in holds += 1 }
            allocation_counter_start()
            chain.process(UnsafeBufferPointer(rebasing: all[100_000...])) { _ in holds += 1 }
        }
        let allocations = Int(allocation_counter_stop())
        blackHole(holds)
        return Row(name: "signal chain", allocations: allocations, samples: 100_000)
    }

    /// Ring: push and pop through a small ring on one thread.
    static func ring() -> Row {
        let samples = ChainBenchmarks.presses(count: 200_000)
        guard let ring = try? SPSCRing<Sample>(minimumCapacity: 1024) else { return Row(name: "ring", allocations: nil, samples: 0) }
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
        let allocations = Int(allocation_counter_stop())
        blackHole(Int(truncatingIfNeeded: sum))
        return Row(name: "ring push and pop", allocations: allocations, samples: samples.count)
    }

    /// The acquisition loop reading the chip's real driver, on its emulator in emulated time
    /// (waiting on the data-ready line, reading, stamping, pushing; the configuration read back
    /// once a second): warm up for 2 s of conversions, then count over 100 000 samples.
    /// The emulator's own work is counted too: the figure is an upper bound for the loop.
    static func acquisition(_ chip: EmulatedChip) -> Row {
        let name = "acquisition, \(chip.rawValue.uppercased()) on its emulator"
        guard let sensor = try? EmulatedSensor(chip, force: SensorBenchmarks.Presses()),
              let ring = try? SPSCRing<Sample>(minimumCapacity: 1024) else { return Row(name: name, allocations: nil, samples: 0) }
        let acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: sensor.clock, ring: ring)
        var sum: Int64 = 0
        func run(_ samples: Int) {
            var read = 0
            while read < samples {
                acquisition.step()
                while let s = ring.pop() { sum &+= Int64(s.raw); read += 1 }
            }
        }
        run(Int(sensor.driver.sampleRateHz * 2))
        let counted = 100_000
        allocation_counter_start()
        run(counted)
        let allocations = Int(allocation_counter_stop())
        blackHole(Int(truncatingIfNeeded: sum))
        // Errors (a driver and emulator that disagree) would be a different path: not this figure.
        let clean = acquisition.statistics.snapshot.errors == 0
        return Row(name: name, allocations: clean ? allocations : nil, samples: counted)
    }

    /// The daemon's core loop running on its own thread, as in the daemon: popping batches
    /// from the ring (and sleeping when it is empty), the chain, the live state, the alarm
    /// and tare checks. Warmed up on a whole press (whose hold is reported: an event, which
    /// may allocate), then counted over 100 s of a noisy 35 N hold fed from this thread.
    static func coreLoop() -> Row {
        let name = "core loop on its thread, during a hold"
        guard let chain = ChainBenchmarks.makeChain(), let ring = try? SPSCRing<Sample>(minimumCapacity: 4096) else {
            return Row(name: name, allocations: nil, samples: 0)
        }
        let events = WakingQueue<CoreEvent>(eventFD: -1)
        let core = CoreLoop(ring: ring, chain: chain, alarmLevel: 9, events: events)
        let link = core.link
        guard let thread = try? JoinableThread(name: "bench-core", { core.run() }) else {
            return Row(name: name, allocations: nil, samples: 0)
        }
        let warmUp = ChainBenchmarks.presses(count: 20_000)  // rest, ramp, 12 s at 35 N, release, rest
        var state: UInt64 = 7
        let counted = (0..<100_000).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(state >> 11) * 0x1.0p-53 - 0.5
            return Sample(timestampNs: Int64(warmUp.count + i) * 1_000_000, raw: Int32(((35 + noise * 0.2) * 10_000).rounded()))
        }
        func feed(_ samples: [Sample], upTo total: Int) {
            for s in samples { while !ring.tryPush(s) { yieldProcessor() } }
            while link.live.snapshot.samples < total { yieldProcessor() }
        }
        feed(warmUp, upTo: warmUp.count)
        let warmUpEvents = events.drain().count
        allocation_counter_start()
        feed(counted, upTo: warmUp.count + counted.count)
        let allocations = Int(allocation_counter_stop())
        let countedEvents = events.drain().count
        link.stop()
        thread.join()
        // The warm-up's press must have been seen, and the counted hold must be steady (no event).
        return Row(name: name, allocations: warmUpEvents > 0 && countedEvents == 0 ? allocations : nil, samples: counted.count)
    }
}
