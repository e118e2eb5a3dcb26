import HoldfastTrace
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
    /// A trace's session is on the trace's own time axis.
    private let timeBase: SessionTimeBase
    private let scale: PressureScale
    private var holds: [SessionHold] = []
    private var gaps = 0
    private(set) var failure: ReplayError?
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
        timeBase = SessionTimeBase(originNs: 0, delayNs: chain.delayNs)
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
        if !producerFailed.load(ordering: .relaxed), failure == nil, chain.finish().contains(.holdCompleted) {
            record(chain.detector.lastHold)
        }
    }

    private func process(_ batch: UnsafeBufferPointer<Sample>) {
        guard let first = batch.first, let last = batch.last else { return }
        if firstNs == nil { firstNs = first.timestampNs }
        if let firstNs, last.timestampNs.subtractingReportingOverflow(firstNs).overflow {
            failure = .trace(TraceErrorDescription(text: "the trace's times span more than 292 years", line: nil))
            return
        }
        lastNs = last.timestampNs
        chain.process(batch, onHold: { hold in record(hold) }, onGap: { at, silent in recordGap(at: at, silentNs: silent) })
    }

    private func record(_ record: HoldRecord) {
        let hold = timeBase.hold(record, timeline: timeline, scale: scale)
        holds.append(hold)
        write(SessionEncoding.hold(hold, number: holds.count))
    }

    /// A stretch of the trace with no rows longer than any dip a hold can bridge.
    private func recordGap(at t: Int64, silentNs: Int64) {
        gaps += 1
        write(SessionEncoding.gap(atNs: timeBase.time(ofSampleNs: t), missingNs: silentNs))
    }

    private func write(_ line: [UInt8]) {
        guard failure == nil, let writer else { return }
        do { try writer.append(line) } catch { failure = .session(path: writer.path, error.description) }
    }

    func summary(dropped: Int) -> SessionSummary {
        var summary = SessionSummary(samples: chain.sampleCount, durationNs: lastNs - (firstNs ?? lastNs), holds: holds,
                                     touches: chain.detector.touchCount, dropped: dropped, saturated: chain.saturatedCount)
        summary.gaps = gaps
        summary.warnings = warnings
        return summary
    }

    /// What the therapist should know about the numbers: thresholds too close
    /// to the target zone, an un-zeroed trace.
    var warnings: [String] {
        let config = chain.config
        return [config.thresholds.warning(for: config.scale),
                chain.idleBaseline.warning(endN: config.thresholds.endN)].compactMap { $0 }
    }
}
