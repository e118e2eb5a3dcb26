import HoldfastCore
import HoldfastPOSIX
import Synchronization

/// The core thread of the daemon: pops samples from the ring and runs the
/// signal chain; publishes live state; reports holds, touches, gaps and the
/// over-pressure alarm (the filtered force crossing the alarm level, ended
/// below level 8.5) to the event loop; applies tare and rescale commands
/// between batches. Public for the benchmarks' allocation check, which runs it on a thread of its own.
///
/// Not `Sendable`: it is handed whole to the core thread (a `sending`
/// hand-over the compiler checks); other threads keep its ``CoreLink``.
public final class CoreLoop {
    private var chain: SignalChain
    private var alarmOn = false
    private var alarmForce: Int32
    private var alarmClearForce: Int32
    private var tareSum: Int64 = 0
    private var tareCount = 0
    private var tareTarget = 0

    private let ring: SPSCRing<Sample>
    private let alarmLevel: Double
    /// What the other threads hold: live state, the two queues, the stop request.
    public let link: CoreLink
    public var live: LiveState { link.live }
    var events: WakingQueue<CoreEvent> { link.events }
    var commands: WakingQueue<CoreCommand> { link.commands }

    public init(ring: SPSCRing<Sample>, chain: SignalChain, alarmLevel: Double, events: WakingQueue<CoreEvent>) {
        self.ring = ring
        self.chain = chain
        self.alarmLevel = alarmLevel
        link = CoreLink(events: events)
        (alarmForce, alarmClearForce) = Self.alarmForces(chain.config.scale, level: alarmLevel)
    }

    static func alarmForces(_ scale: PressureScale, level: Double) -> (Int32, Int32) {
        let on = scale.force(atLevel: level).flatMap(Q16.fromNewtons) ?? .max
        let off = scale.force(atLevel: min(level, PressureScale.overLevel)).flatMap(Q16.fromNewtons) ?? on
        return (on, min(on, off))
    }

    public func run() {
        while true {
            let stopping = link.isStopping
            live.heartbeat.wrappingAdd(1, ordering: .relaxed)
            if commands.hasItems { apply(commands.drain()) }
            let n = ring.popBatch(maxCount: 256) { batch in
                for sample in batch { process(sample) }
            }
            if n == 0 {
                if stopping { break }
                // Nothing to do: look again in 4 ms. Waking per sample would cost a system
                // call on the acquisition side; 4 ms keeps the alarm inside its 10 ms.
                var pause = timespec(tv_sec: 0, tv_nsec: 4_000_000)
                nanosleep(&pause, nil)
            }
        }
        report(chain.finish(), atNs: chain.lastTimeNs)
        events.push(.finished)
    }

    /// One sample through the chain, the alarm and a tare in progress. Not private
    /// only so that the unit tests can drive the loop sample by sample (`run` calls it).
    @inline(__always)
    func process(_ sample: Sample) {
        let happened = chain.process(sample)
        let force = chain.lastForce
        live.forceQ16.store(Int(force), ordering: .relaxed)
        // The detector's time base (corrected for filter delay), so the hold timer agrees with the hold record.
        live.timeNs.store(chain.lastTimeNs, ordering: .relaxed)
        live.stage.store(chain.detector.stage.rawValue, ordering: .relaxed)
        live.contactStartNs.store(chain.detector.contactStartNs, ordering: .relaxed)
        live.samples.wrappingAdd(1, ordering: .relaxed)
        live.establishedQ16.store(Int(chain.detector.establishedForce), ordering: .relaxed)
        live.signalled.store(chain.detector.signalled, ordering: .relaxed)
        if _slowPath(!happened.isEmpty) {
            if happened.contains(.gap) { events.push(.gap(atNs: sample.timestampNs, missingNs: chain.lastGapNs)) }
            report(happened, atNs: chain.lastTimeNs)
        }
        if _slowPath(!alarmOn && force >= alarmForce) {
            alarmOn = true
            live.alarm.store(true, ordering: .relaxed)
            events.push(.alarm(on: true, atNs: sample.timestampNs, forceQ16: force))
        } else if _slowPath(alarmOn && force < alarmClearForce) {
            alarmOn = false
            live.alarm.store(false, ordering: .relaxed)
            events.push(.alarm(on: false, atNs: sample.timestampNs, forceQ16: force))
        }
        if _slowPath(tareTarget > 0) { collectTare(sample) }
    }

    private func report(_ chainEvents: ChainEvents, atNs t: Int64) {
        if chainEvents.contains(.holdCompleted) { events.push(.hold(chain.detector.lastHold)) }
        if chainEvents.contains(.touchCompleted) { events.push(.touch(atNs: t)) }
        if chainEvents.contains(.trialCompleted) { events.push(.trial(chain.detector.lastTrial)) }
    }

    /// Applies commands between batches; not private for the unit tests, as `process`.
    func apply(_ list: [CoreCommand]) {
        for command in list {
            switch command {
            case .tare:
                guard chain.detector.stage == .idle else {
                    events.push(.tareRefused("the sensor is being pressed; release it and tare again"))
                    continue
                }
                tareSum = 0
                tareCount = 0
                tareTarget = max(16, Int(chain.config.sampleRateHz / 2))  // half a second
            case .setScale(let scale):
                // Validated by the event loop with the same rules before it was sent.
                do { try chain.setScale(scale) } catch { events.push(.scaleRefused("\(error)")); continue }
                (alarmForce, alarmClearForce) = Self.alarmForces(scale, level: alarmLevel)
            case .signal(let at):
                // Between batches: the samples up to now are in; the threshold follows them to the signal's time.
                events.push(.signal(chain.signal(atNs: at), atNs: at))
            }
        }
    }

    private func collectTare(_ sample: Sample) {
        guard chain.detector.stage == .idle, !sample.flags.contains(.saturated) else {
            tareTarget = 0
            events.push(.tareRefused("the load changed during the tare; keep the sensor free and tare again"))
            return
        }
        tareSum += Int64(sample.raw)
        tareCount += 1
        guard tareCount >= tareTarget else { return }
        tareTarget = 0
        // Rounded half away from zero: adding half and truncating would put a negative zero one count high.
        let offset = Int32(truncatingIfNeeded: DecimalText.roundedDivision(tareSum, Int64(tareCount)))
        do {
            chain.recalibrate(try ForceCalibration(offset: offset, newtonsPerCount: chain.config.calibration.newtonsPerCount))
            events.push(.tared(offsetCounts: offset, atNs: sample.timestampNs))
        } catch {
            events.push(.tareRefused("\(error)"))
        }
    }
}

/// The core loop as the other threads see it once it runs: its live state,
/// the queue of events it reports, the queue of commands it applies between
/// batches, and the request to stop.
public final class CoreLink: Sendable {
    public let live = LiveState()
    let events: WakingQueue<CoreEvent>
    let commands = WakingQueue<CoreCommand>(eventFD: -1)
    private let stopRequested = Atomic<Bool>(false)

    init(events: WakingQueue<CoreEvent>) { self.events = events }

    /// Asks the loop to drain the ring, close the contact in progress and stop.
    public func stop() { stopRequested.store(true, ordering: .releasing) }

    /// Acquiring: a stop requested after the producer's last push sees every sample it pushed.
    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }
}
