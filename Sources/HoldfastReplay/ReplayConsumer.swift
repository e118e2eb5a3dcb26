import HoldfastCore
import HoldfastPOSIX
import HoldfastSession
import Synchronization

/// The consumer side of a replay: pops batches from the ring, runs them
/// through the signal chain, and records completed holds.
///
/// `@unchecked Sendable` because it is handed to the consumer thread: its
/// mutable state (`chain`, `holds`, `failure`) is touched only by that thread
/// until `JoinableThread.join()`, which orders those writes before the
/// producer thread reads the results. The two flags are atomics.
final class ReplayConsumer: @unchecked Sendable {
    private let ring: SPSCRing<Sample>
    private var chain: SignalChain
    private let timeline: PointTimeline
    private let writer: SessionWriter?
    private let batchSize: Int
    // Copied out of the chain: `record` runs while the chain is being mutated.
    private let delayNs: Int64
    private let scale: PressureScale
    private var holds: [SessionHold] = []
    private(set) var failure: SystemError?
    private var firstNs: Int64?
    private var lastNs: Int64 = 0

    /// Set (releasing) by the producer after its last push.
    private let producerDone = Atomic<Bool>(false)
    private let producerFailed = Atomic<Bool>(false)
    /// Set by the consumer when it stops early (a write failed); the producer stops pushing.
    private let stopped = Atomic<Bool>(false)

    init(ring: SPSCRing<Sample>, chain: SignalChain, timeline: PointTimeline, writer: SessionWriter?, batchSize: Int) {
        self.ring = ring
        self.chain = chain
        self.timeline = timeline
        self.writer = writer
        self.batchSize = batchSize
        delayNs = chain.delayNs
        scale = chain.config.scale
        holds.reserveCapacity(256)
    }

    var hasStopped: Bool { stopped.load(ordering: .acquiring) }

    func producerFinished(failed: Bool) {
        producerFailed.store(failed, ordering: .relaxed)
        // Pairs with the acquiring load in `run`: everything pushed before is visible.
        producerDone.store(true, ordering: .releasing)
    }

    func run() {
        while true {
            // Read the flag before popping, so a final batch pushed just before it is not missed.
            let done = producerDone.load(ordering: .acquiring)
            let n = ring.popBatch(maxCount: batchSize) { batch in process(batch) }
            if failure != nil {
                stopped.store(true, ordering: .releasing)
                return
            }
            if n == 0 {
                if done { break }
                yieldProcessor()
            }
        }
        if !producerFailed.load(ordering: .relaxed), chain.finish() == .holdCompleted {
            record(chain.detector.lastHold)
        }
    }

    private func process(_ batch: UnsafeBufferPointer<Sample>) {
        guard let first = batch.first, let last = batch.last else { return }
        if firstNs == nil { firstNs = first.timestampNs }
        lastNs = last.timestampNs
        chain.process(batch) { hold in record(hold) }
    }

    private func record(_ record: HoldRecord) {
        // Label in effect at the hold's (uncorrected) start sample.
        let hold = SessionHold(point: timeline.label(at: record.startNs + delayNs), record: record, scale: scale)
        holds.append(hold)
        guard failure == nil, let writer else { return }
        do { try writer.append(SessionEncoding.hold(hold, number: holds.count)) } catch { failure = error }
    }

    func summary(dropped: Int) -> SessionSummary {
        SessionSummary(samples: chain.sampleCount, durationNs: lastNs - (firstNs ?? lastNs), holds: holds,
                       touches: chain.detector.touchCount, dropped: dropped, saturated: chain.saturatedCount)
    }
}
