import HoldfastTrace
import HoldfastCore
import HoldfastPOSIX
import HoldfastSession
import Synchronization

/// What the two sides of a replay tell each other while both run: whether
/// the producer has finished (and how), and whether the consumer stopped early.
final class ReplayHandshake: Sendable {
    /// How the producer ended: its error, and the emulated sensor's figures.
    struct ProducerEnd: Sendable {
        var failure: ReplayError?
        var acquisition: AcquisitionSummary?
    }

    private let producerDone = Atomic<Bool>(false)
    private let end = Mutex<ProducerEnd?>(nil)
    private let stopped = Atomic<Bool>(false)

    /// Set by the consumer when it stops early (a write failed); the producer stops pushing.
    var hasStopped: Bool { stopped.load(ordering: .acquiring) }
    func consumerStopped() { stopped.store(true, ordering: .releasing) }

    /// Called by the producer after its last push.
    func producerFinished(_ how: ProducerEnd) {
        end.withLock { $0 = how }
        // Pairs with the acquiring load in `isProducerDone`: everything pushed before is visible.
        producerDone.store(true, ordering: .releasing)
    }

    var isProducerDone: Bool { producerDone.load(ordering: .acquiring) }
    var producerEnd: ProducerEnd { end.withLock { $0 } ?? ProducerEnd() }
}

/// The consumer side of a replay: pops batches from the ring, runs them
/// through the signal chain, records completed holds, and finishes the
/// session file. Handed whole to the consumer thread (with the session
/// writer), which returns the summary.
final class ReplayConsumer {
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
    /// Trials numbered and judged as they complete; nil for a trace without an event column.
    private var ledger: PPTLedger?
    /// What the trace's header says the client reported, written once the samples reach each time.
    private var outcomes: ArraySlice<(timeNs: Int64, outcome: Outcome)>
    private let tracePath: String
    /// Signals that reach the core between samples (a trace played through an emulated chip).
    private let signals: PendingSignals?
    private var failure: ReplayError?
    private var firstNs: Int64?
    private var lastNs: Int64 = 0

    private let handshake: ReplayHandshake

    init(ring: SPSCRing<Sample>, chain: SignalChain, timeline: PointTimeline, writer: SessionWriter?, batchSize: Int,
         ppt: PPTPolicy?, annotations: TraceAnnotations, tracePath: String, signals: PendingSignals? = nil,
         handshake: ReplayHandshake) {
        self.handshake = handshake
        self.signals = signals
        self.ring = ring
        ledger = ppt.map(PPTLedger.init)
        outcomes = annotations.outcomes[...]
        self.tracePath = tracePath
        self.chain = chain
        self.timeline = timeline
        self.writer = writer
        self.batchSize = batchSize
        timeBase = SessionTimeBase(originNs: 0, delayNs: chain.delayNs)
        scale = chain.config.scale
        holds.reserveCapacity(256)
    }

    /// Runs until the producer has finished and the ring is empty (or a write fails), then
    /// commits or abandons the session file. The producer's failure comes first.
    func run() -> Result<SessionSummary, ReplayError> {
        while true {
            // Read the flag before popping, so a final batch pushed just before it is not missed.
            let done = handshake.isProducerDone
            let n = ring.popBatch(maxCount: batchSize) { batch in process(batch) }
            if failure != nil {
                handshake.consumerStopped()
                while !handshake.isProducerDone { yieldProcessor() }
                break
            }
            if n == 0 {
                if done { break }
                yieldProcessor()
            }
        }
        let end = handshake.producerEnd
        if end.failure == nil, failure == nil {
            let events = chain.finish()
            if events.contains(.holdCompleted) { record(chain.detector.lastHold) }
            if events.contains(.trialCompleted) { record(chain.detector.lastTrial) }
            writeOutcomes(through: .max)
        }
        if let stop = end.failure ?? failure {
            writer?.abandon(reason: SessionEncoding.error(stop.description))
            return .failure(stop)
        }
        var summary = summary(dropped: ring.droppedCount)
        summary.acquisition = end.acquisition
        if let writer {
            do { try writer.commit(summary: SessionEncoding.summary(summary)) }
            catch {
                writer.abandon(reason: SessionEncoding.error(error.description))
                return .failure(.session(path: writer.path, error.description))
            }
        }
        return .success(summary)
    }

    private func process(_ batch: UnsafeBufferPointer<Sample>) {
        guard let first = batch.first, let last = batch.last else { return }
        if firstNs == nil { firstNs = first.timestampNs }
        if let firstNs, last.timestampNs.subtractingReportingOverflow(firstNs).overflow {
            failure = .trace(TraceErrorDescription(text: "the trace's times span more than 292 years", line: nil))
            return
        }
        lastNs = last.timestampNs
        // A constant here, not a static: no lazy-initialisation check per sample.
        let recorded: ChainEvents = [.holdCompleted, .trialCompleted, .gap, .signalWithoutContact, .signalRepeated]
        if let signals {
            // Between samples, like a live signal: each before the first sample at or after its time.
            var pending = signals.take(through: last.timestampNs)[...]
            for sample in batch {
                while let at = pending.first, at <= sample.timestampNs {
                    pending.removeFirst()
                    let outcome = chain.signal(atNs: at)
                    if outcome != .accepted { handle(ChainEvents(outcome), sample) }
                }
                let events = chain.process(sample)
                if _slowPath(!events.isDisjoint(with: recorded)) { handle(events, sample) }
            }
            if _slowPath(!outcomes.isEmpty) { writeOutcomes(through: chain.lastTimeNs) }
            return
        }
        for sample in batch {
            let events = chain.process(sample)
            if _slowPath(!events.isDisjoint(with: recorded)) { handle(events, sample) }
        }
        if _slowPath(!outcomes.isEmpty) { writeOutcomes(through: chain.lastTimeNs) }
    }

    private func handle(_ events: ChainEvents, _ sample: Sample) {
        if events.contains(.gap) { recordGap(at: sample.timestampNs, silentNs: chain.lastGapNs) }
        if events.contains(.holdCompleted) { record(chain.detector.lastHold) }
        if events.contains(.trialCompleted) { record(chain.detector.lastTrial) }
        if !events.isDisjoint(with: [.signalWithoutContact, .signalRepeated]), failure == nil {
            let at = DecimalText.format(chain.lastSignalNs, decimals: 9)
            let why = events.contains(.signalWithoutContact)
                ? "the ppt event at time_s \(at) comes with no contact (the force is below the hold start force "
                    + "\(DecimalText.fixed(chain.config.thresholds.startN, decimals: 2)) N there): a client signals during a press"
                : "a second ppt event at time_s \(at) in one contact: one signal per trial, the first counts"
            failure = .trace(TraceErrorDescription(text: "\(TerminalText.escaped(tracePath, limit: 4096)): \(why)", line: nil))
        }
    }

    private func record(_ record: HoldRecord) {
        let hold = timeBase.hold(record, timeline: timeline, scale: scale)
        holds.append(hold)
        ledger?.hold(at: hold.point)
        write(SessionEncoding.hold(hold, number: holds.count))
    }

    private func record(_ record: TrialRecord) {
        guard ledger != nil else { return }
        let line = ledger!.trial(timeBase.trial(record, timeline: timeline))
        write(SessionEncoding.ppt(line))
    }

    /// Outcomes up to `t` on the trace's axis, each at its own time.
    private func writeOutcomes(through t: Int64) {
        while let next = outcomes.first, next.timeNs <= t {
            outcomes.removeFirst()
            write(SessionEncoding.outcome(next.outcome, atNs: timeBase.time(ofSampleNs: next.timeNs)))
        }
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

    private func summary(dropped: Int) -> SessionSummary {
        var summary = SessionSummary(samples: chain.sampleCount, durationNs: lastNs - (firstNs ?? lastNs), holds: holds,
                                     touches: chain.detector.touchCount, dropped: dropped, saturated: chain.saturatedCount)
        summary.gaps = gaps
        summary.warnings = warnings
        summary.ppt = ledger
        return summary
    }

    /// What the therapist should know about the numbers: thresholds too close
    /// to the target zone, an un-zeroed trace.
    private var warnings: [String] {
        let config = chain.config
        return [config.thresholds.warning(for: config.scale),
                chain.idleBaseline.warning(endN: config.thresholds.endN)].compactMap { $0 }
    }
}
