import CLinux
import HoldfastCore
import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors
import HoldfastSession
import Synchronization

/// `holdfast daemon`: acquisition thread → ring → core thread → event loop
/// (control socket, alarm output, systemd notifications) → record writer
/// thread (session files).
///
/// The event loop is the main thread, a poll() over the signalfd, the core's
/// eventfd, the listening socket and the clients. It never waits on the
/// disk — session records go to the ``RecordWriter``'s thread — nor on a
/// client: every client has a read budget per iteration and a bounded output
/// buffer (``ControlClient``). On an over-pressure crossing the alarm output
/// is switched and the message sent before anything else is done.
public final class Daemon {
    private var config: DaemonConfig
    private let log: @Sendable (String) -> Void
    private let sensor: SensorSource
    private let ring: SPSCRing<Sample>
    private let core: CoreLoop
    private let acquisition: Acquisition
    private let timeline = PointTimeline()
    private let events: WakingQueue<CoreEvent>
    private let signalFD: Int32
    private let server: ControlServer
    private let notifier: SystemdNotifier
    private let alarmOutput: AlarmOutput
    private let writer: RecordWriter
    private let delayNs: Int64
    private var session: SessionRecorder?
    /// Every session file name proposed in this run, so two starts in one second cannot collide.
    private var proposedPaths: Set<String> = []
    /// The signal path's configuration; its scale follows the client's ratings.
    private var signalConfig: SignalConfig
    private var scale: PressureScale { signalConfig.scale }
    private var thresholdWarning: String?
    private var acquisitionThread: JoinableThread?
    private var coreThread: JoinableThread?
    private let stopAcquisition = StopFlag()
    /// Set (from any thread) to make `run` finish as on SIGTERM, within one frame interval: for a
    /// daemon run inside another program, e.g. a test. Signals are the usual way.
    public let stopRequest = StopFlag()
    /// Holds go to clients once they are on disk — what the watch shows has
    /// been recorded, even if the daemon is killed the next instant — or after
    /// ``showUnrecordedAfterNs`` on a slow or failing disk, when the live
    /// frames' fault says so. In order.
    private var awaitingDisk: [(ticket: RecordWriter.Ticket, line: [UInt8], sinceNs: Int64)] = []
    static let showUnrecordedAfterNs: Int64 = 1_000_000_000
    private var lastWatchdogNs: Int64 = 0
    private var lastBeats = (core: -1, acquisition: -1)

    /// How long shutdown waits for the disk before keeping the rest in the reserve.
    static let drainSecondsAtExit: Int64 = 5

    /// Exit statuses (sysexits.h): every record written; some kept in the reserve for the next start; some lost.
    public static let exitAllWritten: Int32 = 0
    public static let exitRecordsKept: Int32 = 75
    public static let exitRecordsLost: Int32 = 74

    /// Reads `sensor` (already open: a chip on a bus, or an emulated one — the daemon does not know which).
    /// `fileCalls` and `alarmSwitch` are seams for tests (a slow or full disk, a failing buzzer).
    public init(config: DaemonConfig, sensor: SensorSource, environment: [String: String],
                log: @escaping @Sendable (String) -> Void,
                fileCalls: LogFileCalls = SystemLogFileCalls(), alarmSwitch: AlarmSwitch? = nil) throws(DaemonError) {
        self.config = config
        self.log = log
        // The signal set, chosen deliberately: termination and HUP/USR1/USR2 arrive on the signalfd
        // (blocked before any thread starts, so only it sees them); a client or log reader that goes
        // away must not kill us, so SIGPIPE is ignored (writes report EPIPE instead).
        signal(SIGPIPE, SIG_IGN)
        let handled = [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2]
        signalFD = handled.withUnsafeBufferPointer { holdfast_signalfd($0.baseAddress, Int32($0.count)) }
        guard signalFD >= 0 else { throw DaemonError("signalfd: \(SystemError.describe(errno))") }
        let eventFD = holdfast_eventfd()
        guard eventFD >= 0 else { throw DaemonError("eventfd: \(SystemError.describe(errno))") }
        events = WakingQueue<CoreEvent>(eventFD: eventFD)
        self.sensor = sensor
        do { ring = try SPSCRing<Sample>(minimumCapacity: 1 << 14) } catch { throw DaemonError(error.description) }
        signalConfig = SignalConfig(calibration: sensor.calibration, sampleRateHz: sensor.driver.sampleRateHz,
                                    cutoffHz: config.cutoffHz, holdRules: config.holdRules, scale: config.scale,
                                    zeroTracking: true)
        let chain: SignalChain
        do { chain = try SignalChain(signalConfig) } catch { throw DaemonError("signal path: \(error)") }
        delayNs = chain.delayNs
        core = CoreLoop(ring: ring, chain: chain, alarmLevel: config.alarmLevel, events: events)
        acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: sensor.clock, ring: ring, log: log)
        var output = alarmSwitch
        if output == nil, let line = config.alarmGPIO {
            do { output = try GPIOOutput(chip: line.chip, offset: line.offset) }
            catch { throw DaemonError("alarm_gpio: \(error)") }
        }
        alarmOutput = AlarmOutput(output, log: log)
        notifier = SystemdNotifier(environment: environment)
        server = try ControlServer(path: config.socketPath, log: log)
        do { writer = try RecordWriter(directory: config.stateDirectory, calls: fileCalls, log: log) }
        catch { server.shutDown(); throw DaemonError("record writer: \(error)") }
        thresholdWarning = signalConfig.thresholds.warning(for: scale)
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public func run() -> Int32 {
        let acquisition = self.acquisition
        let stop = stopAcquisition
        let config = self.config
        let log = self.log
        do {
            acquisitionThread = try JoinableThread(name: "acquisition") {
                RealtimeScheduling.apply(fifoPriority: config.realtimePriority, cpu: config.cpu).forEach(log)
                acquisition.run(until: { stop.isSet })
            }
            let core = self.core
            coreThread = try JoinableThread(name: "core") { core.run() }
        } catch {
            log("cannot start threads: \(error)")
            return 1
        }
        startSession(client: config.client)
        log("holdfast: \(sensor.description); \(sensor.dataReady); socket \(config.socketPath); sessions in \(config.stateDirectory)")
        let t = signalConfig.thresholds
        log("holds start at \(DecimalText.fixed(t.startN, decimals: 2)) N and end at \(DecimalText.fixed(t.endN, decimals: 2)) N")
        if let thresholdWarning { log("warning: \(thresholdWarning)") }
        if let alarmN = scale.force(atLevel: config.alarmLevel),
           let lag = SignalChain.rampCrossingDelayNs(signalConfig, levelN: alarmN, newtonsPerSecond: 10) {
            log("the filtered force reaches the alarm level \(lag / 1_000_000) ms after the force does on a 10 N/s ramp")
        }
        notifier.notify("READY=1\nSTATUS=acquiring from \(sensor.description)")

        let frameInterval = Int64(1e9 / config.frameHz)
        var nextFrame = sensor.clock.nowNs()
        loop: while true {
            var fds = [pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: events.eventFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: writer.progressFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: server.listenFD, events: Int16(POLLIN), revents: 0)]
            for c in server.clients {
                fds.append(pollfd(fd: c.fd, events: Int16(POLLIN) | (c.hasOutput ? Int16(POLLOUT) : 0), revents: 0))
            }
            let now = sensor.clock.nowNs()
            // Rounded up: a timeout of 0 for the last fraction of a millisecond would spin.
            let timeoutMs = Int32(max(0, min(1000, (nextFrame - now + 999_999) / 1_000_000)))
            _ = poll(&fds, nfds_t(fds.count), timeoutMs)
            if fds[0].revents != 0, handleSignals() { break loop }
            if stopRequest.isSet { break loop }
            if fds[1].revents != 0 { handle(events.drain()) }
            if fds[2].revents != 0 { writer.acknowledgeProgress() }
            if fds[3].revents != 0 { server.accept(nowNs: sensor.clock.nowNs(), greeting: hello) }
            let readable = fds.dropFirst(4).filter { $0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 }.map(\.fd)
            if !readable.isEmpty {
                server.read(ready: readable, nowNs: sensor.clock.nowNs()) { incoming, client in respond(to: incoming, from: client) }
            }
            let t = sensor.clock.nowNs()
            releaseRecordedHolds(nowNs: t)
            if t >= nextFrame {
                server.broadcast(liveFrame(), droppable: true, nowNs: t)
                nextFrame = max(nextFrame + frameInterval, t)
                pingWatchdog(at: t)
            }
            server.flush(nowNs: sensor.clock.nowNs())
        }
        return shutdown()
    }

    /// Reads the signals waiting; true when one asks the daemon to stop.
    private func handleSignals() -> Bool {
        while true {
            let signal = holdfast_read_signal(signalFD)
            guard signal > 0 else { return false }
            switch signal {
            case SIGTERM, SIGINT:
                log("holdfast: signal \(signal), finishing")
                return true
            default:
                log("holdfast: signal \(signal) ignored (SIGTERM or SIGINT stop the daemon)")
            }
        }
    }

    // MARK: Sessions

    private func startSession(client: String?) {
        let chainConfig = signalConfig
        let sensorName = sensor.description
        let delay = delayNs
        let recorder = SessionRecorder(writer: writer, directory: config.stateDirectory, client: client,
                                       startNs: sensor.clock.nowNs(), samplesSoFar: core.live.snapshot.samples,
                                       taken: proposedPaths) { source in
            var s = source
            s.sensor = sensorName
            return SessionEncoding.header(source: s, config: chainConfig, delayNs: delay)
        }
        proposedPaths.insert(recorder.proposedPath)
        session = recorder
        if let label = timeline.label(at: sensor.clock.nowNs()) { recorder.record(SessionEncoding.point(label, atNs: 0)) }
        log("session started: \(recorder.proposedPath)")
    }

    private func endSession() {
        guard let session else { return }
        let stats = acquisition.statistics.snapshot
        session.finish(samplesNow: core.live.snapshot.samples, lastNs: sensor.clock.nowNs(),
                       dropped: ring.droppedCount, saturated: stats.saturated,
                       acquisition: AcquisitionSummary(stats), warnings: [thresholdWarning].compactMap { $0 })
        log("session ended: \(session.path)")
        self.session = nil
    }

    // MARK: Core events

    /// Alarms first — the output switched and the message on its way to every
    /// client before any other event is looked at — then the rest in order.
    private func handle(_ list: [CoreEvent]) {
        for case let .alarm(on, at, force) in list { alarm(on: on, atNs: at, forceQ16: force) }
        for event in list {
            switch event {
            case .alarm(let on, let at, let force):
                let level = scale.level(atForce: Q16.newtons(force))
                session.map { $0.record(SessionEncoding.alarm(on: on, forceQ16: force, level: level, atNs: $0.relative(at))) }
                if on { log("over-pressure alarm: level \(DecimalText.fixed(level, decimals: 1))") }
            case .hold(let record):
                let label = timeline.label(at: record.startNs + delayNs)
                if let session {
                    let (line, ticket) = session.hold(record, point: label, scale: scale)
                    awaitingDisk.append((ticket, line, sensor.clock.nowNs()))
                }
            case .touch:
                session?.touch()
            case .gap(let at, let missing):
                session.map { $0.record(SessionEncoding.gap(atNs: $0.relative(at), missingNs: missing)) }
                log("sensor: samples again after \(DecimalText.format(DecimalText.roundedDivision(missing, 1_000_000), decimals: 3)) s without any")
            case .tared(let offset, let at):
                session.map { $0.record(SessionEncoding.tare(offsetCounts: offset, atNs: $0.relative(at))) }
                server.broadcast(Frames.notice("tare", "zero set (\(offset) counts)"), droppable: false, nowNs: sensor.clock.nowNs())
            case .tareRefused(let why):
                server.broadcast(Frames.notice("tare", why, ok: false), droppable: false, nowNs: sensor.clock.nowNs())
            case .scaleRefused(let why):
                log("core refused a new scale: \(why)")
            case .finished:
                break
            }
        }
        server.flush(nowNs: sensor.clock.nowNs())
    }

    private func releaseRecordedHolds(nowNs t: Int64, all: Bool = false) {
        guard !awaitingDisk.isEmpty else { return }
        let status = writer.status
        var released = 0
        for item in awaitingDisk {
            guard all || writer.isDurable(item.ticket, in: status) || t - item.sinceNs >= Self.showUnrecordedAfterNs else { break }
            server.broadcast(item.line, droppable: false, nowNs: t)
            released += 1
        }
        awaitingDisk.removeFirst(released)
    }

    /// The alarm's own path: output, message, flush. Nothing here touches the disk.
    private func alarm(on: Bool, atNs at: Int64, forceQ16 force: Int32) {
        alarmOutput.set(on)
        let level = scale.level(atForce: Q16.newtons(force))
        let now = sensor.clock.nowNs()
        server.broadcast(Frames.alarm(on: on, sessionTimeNs: session.map { $0.relative(at) } ?? at, level: level,
                                      forceQ16: force, crossingNs: at, sentNs: now), droppable: false, nowNs: now)
        server.flush(nowNs: now)
    }

    // MARK: Commands

    private func respond(to incoming: ControlClient.Incoming, from client: ControlClient) {
        let t = sensor.clock.nowNs()
        switch incoming {
        case .error(let message):
            client.enqueue(Frames.reply(id: nil, error: message), droppable: false, nowNs: t)
        case .line(let text):
            switch ControlCommand.parse(text) {
            case .failure(let e):
                client.enqueue(Frames.reply(id: e.id, error: e.message), droppable: false, nowNs: t)
            case .success(let parsed):
                client.enqueue(execute(parsed.command, id: parsed.id, at: t), droppable: false, nowNs: t)
            }
        }
    }

    private func execute(_ command: ControlCommand, id: String?, at t: Int64) -> [UInt8] {
        switch command {
        case .point(let label):
            timeline.set(label, at: t)
            session.map { $0.record(SessionEncoding.point(label, atNs: $0.relative(t))) }
            return Frames.reply(id: id) { $0.field("point", label) }
        case .tare:
            core.commands.push(.tare)
            return Frames.reply(id: id) { $0.field("message", "taring for half a second; keep the sensor free") }
        case .rate(let level):
            return rate(level: level, id: id, at: t)
        case .startSession(let client):
            endSession()
            startSession(client: client)
            return Frames.reply(id: id) { $0.field("file", session?.path) }
        case .endSession:
            guard let session else { return Frames.reply(id: id, error: "no session is open") }
            let path = session.path
            endSession()
            return Frames.reply(id: id) { $0.field("file", path) }
        case .mark(let note):
            guard let session else { return Frames.reply(id: id, error: "no session is open") }
            session.record(SessionEncoding.mark(note, atNs: session.relative(t)))
            return Frames.reply(id: id)
        case .status:
            return liveFrame(id: id)
        }
    }

    /// "The client says this pressure is a `level`": the scale gains the point,
    /// and thresholds that follow the scale move with it from the next contact.
    private func rate(level: Double, id: String?, at t: Int64) -> [UInt8] {
        let force = (core.live.snapshot.forceN * 10).rounded() / 10  // 0.1 N: the scale stays readable
        let updated: PressureScale
        do { updated = try scale.adding(forceN: force, level: level) } catch {
            return Frames.reply(id: id, error: "a level of \(level) at \(DecimalText.fixed(force, decimals: 1)) N contradicts the scale: \(error)")
        }
        var next = signalConfig
        next.scale = updated
        do { _ = try next.thresholds.validated() } catch {
            return Frames.reply(id: id, error: "with that rating the hold thresholds would be invalid: \(error)")
        }
        signalConfig = next
        core.commands.push(.setScale(updated))
        session.map { $0.record(SessionEncoding.calibration(forceN: force, level: level, scale: updated, atNs: $0.relative(t))) }
        let warning = next.thresholds.warning(for: updated)
        if warning != thresholdWarning, let warning { log("warning: \(warning)") }
        thresholdWarning = warning
        return Frames.reply(id: id) { $0.field("scale", updated.text) }
    }

    private func hello() -> [UInt8] {
        Frames.hello(Frames.Hello(sensor: sensor.description, scale: scale, alarmLevel: config.alarmLevel,
                                  thresholds: signalConfig.thresholds, warning: thresholdWarning))
    }

    // MARK: Live frames

    /// A live frame; `id` marks one sent in reply to a status command.
    private func liveFrame(id: String? = nil) -> [UInt8] {
        let live = core.live.snapshot
        let stats = acquisition.statistics.snapshot
        let now = sensor.clock.nowNs()
        let recording = writer.status
        var faults: [String] = []
        if let fault = recording.fault { faults.append("NOT RECORDED: \(fault)") }
        if alarmOutput.errors > 0 {
            faults.append("alarm output failed \(alarmOutput.errors) time\(alarmOutput.errors == 1 ? "" : "s"): \(alarmOutput.lastError ?? "")")
        }
        return Frames.live(Frames.Live(
            id: id, live: live, acquisition: stats,
            sensorStatus: SensorStatus.describe(mode: stats.mode, sinceLastSampleNs: stats.lastSampleNs.map { now - $0 }),
            drops: ring.droppedCount, scale: scale, minHoldS: signalConfig.thresholds.minHoldS,
            sessionTimeNs: session.map { $0.relative(live.timeNs) } ?? live.timeNs,
            point: timeline.label(at: now), session: session?.path, faults: faults, warning: thresholdWarning))
    }

    // MARK: Watchdog and shutdown

    /// WATCHDOG=1 only while both threads are looping.
    private func pingWatchdog(at t: Int64) {
        guard let interval = notifier.watchdogIntervalNs, t - lastWatchdogNs >= interval else { return }
        let beats = (core: core.live.heartbeat.load(ordering: .relaxed), acquisition: acquisition.statistics.heartbeat.load(ordering: .relaxed))
        if beats.core != lastBeats.core && beats.acquisition != lastBeats.acquisition {
            notifier.notify("WATCHDOG=1")
            lastWatchdogNs = t
        }
        lastBeats = beats
    }

    /// Stops the threads, ends the session, gives the disk a few seconds, and
    /// says in the exit status whether every record was written.
    private func shutdown() -> Int32 {
        notifier.notify("STOPPING=1")
        stopAcquisition.set()
        acquisitionThread?.join()
        core.stop()
        coreThread?.join()
        handle(events.drain())
        endSession()
        releaseRecordedHolds(nowNs: sensor.clock.nowNs(), all: true)
        server.flush(nowNs: sensor.clock.nowNs())
        server.shutDown()
        alarmOutput.set(false)
        let outcome = writer.finish(deadlineNs: monotonicNanoseconds() + Self.drainSecondsAtExit * 1_000_000_000)
        if outcome.complete {
            log("holdfast: stopped; every record written")
            return Self.exitAllWritten
        }
        if outcome.lost.isEmpty {
            log("holdfast: stopped; records of \(outcome.spilled.joined(separator: ", ")) could not be written and are "
                + "kept in the reserve: the next start finishes those files")
            return Self.exitRecordsKept
        }
        log("holdfast: stopped; records of \(outcome.lost.map(\.path).joined(separator: ", ")) could not be written "
            + "or kept; they are in this log above")
        return Self.exitRecordsLost
    }
}

/// A one-way flag shared between threads.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }
}
