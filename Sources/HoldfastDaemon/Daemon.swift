import CLinux
import HoldfastCore
import HoldfastLinux
import HoldfastPOSIX
import HoldfastProtocol
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
    private let log: Log
    /// The sensor's clock and how it is described; the driver and line went to the acquisition.
    private let clock: MonotonicClock
    private let sensorName: String
    private let dataReady: String
    private let ring: SPSCRing<Sample>
    /// The two loops, made here and handed to their threads by `run`.
    private let acquisitionLoop: Handoff<AcquisitionLoop>
    private let coreLoop: Handoff<CoreLoop>
    private let core: CoreLink
    private let acquisitionStatistics: AcquisitionStatistics
    private let events: WakingQueue<CoreEvent>
    private let signalFD: Int32
    private let server: ControlServer
    private let notifier: SystemdNotifier
    private let alarmOutput: AlarmOutput
    private let writer: RecordWriter
    private let delayNs: Int64
    private let treatment: Treatment
    private let sessions: Sessions
    private let frames: FrameEncoder
    private var commands: CommandHandler?
    /// The client's signal button, when there is one, made here and handed to its thread by `run`.
    private let buttonLoop: Handoff<ButtonReader>?
    private var acquisitionThread: JoinableThread<Void>?
    private var coreThread: JoinableThread<Void>?
    private var buttonThread: JoinableThread<Void>?
    private let stopButton = StopFlag()
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
    public init(config: DaemonConfig, sensor: sending SensorSource, environment: [String: String],
                log: Log,
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
        clock = sensor.clock
        sensorName = sensor.description
        dataReady = sensor.dataReady
        do { ring = try SPSCRing<Sample>(minimumCapacity: 1 << 14) } catch { throw DaemonError(error.description) }
        let signalConfig = SignalConfig(calibration: sensor.calibration, sampleRateHz: sensor.driver.sampleRateHz,
                                        cutoffHz: config.cutoffHz, holdRules: config.holdRules, scale: config.scale,
                                        zeroTracking: true)
        let chain: SignalChain
        do { chain = try SignalChain(signalConfig) } catch { throw DaemonError("signal path: \(error)") }
        treatment = Treatment(signalConfig)
        delayNs = chain.delayNs
        let loop = CoreLoop(ring: ring, chain: chain, alarmLevel: config.alarmLevel, events: events)
        core = loop.link
        coreLoop = Handoff(loop)
        // A configured line wins over the one an emulated source brings (which is Sendable: the
        // emulation presses it from its own thread).
        var button: InputLine? = sensor.signalButton
        if let address = config.pptButton {
            do { button = try GPIOInputLine(chip: address.chip, offset: address.offset) }
            catch { throw DaemonError("ppt_button: \(error)") }
        }
        let debouncer = ButtonDebouncer(activeLow: config.pptButtonActiveLow, debounceNs: Int64(config.pptButtonDebounceMs * 1e6))
        if let button {
            buttonLoop = Handoff(ButtonReader(line: button, debouncer: debouncer, core: core, stop: stopButton, log: log))
        } else {
            buttonLoop = nil
        }
        let acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: sensor.clock, ring: ring, log: log)
        acquisitionStatistics = acquisition.statistics
        acquisitionLoop = Handoff(AcquisitionLoop(acquisition: acquisition, owner: sensor.owner))
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
        sessions = Sessions(writer: writer, directory: config.stateDirectory, ppt: config.ppt, log: log)
        frames = FrameEncoder(live: core.live, acquisition: acquisitionStatistics, ring: ring, clock: clock,
                              treatment: treatment, sessions: sessions, writer: writer, alarmOutput: alarmOutput,
                              sensorName: sensorName, alarmLevel: config.alarmLevel, ppt: config.ppt)
        commands = CommandHandler(treatment: treatment, sessions: sessions, core: core, frames: frames, log: log,
                                  startSession: { [unowned self] client in startSession(client: client) },
                                  endSession: { [unowned self] in endSession() })
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public func run() -> Int32 {
        let stop = stopAcquisition
        let config = self.config
        let log = self.log
        guard let acquisition = acquisitionLoop.take(), let core = coreLoop.take() else {
            log.error("holdfast: a daemon runs once")
            return 1
        }
        do {
            acquisitionThread = try JoinableThread(name: "acquisition") {
                RealtimeScheduling.apply(fifoPriority: config.realtimePriority, cpu: config.cpu).forEach(log.warning)
                withExtendedLifetime(acquisition.owner) { acquisition.acquisition.run(until: { stop.isSet }) }
            }
            coreThread = try JoinableThread(name: "core") { core.run() }
            if let button = buttonLoop?.take() {
                log.info(button.description)
                buttonThread = try JoinableThread(name: "signal button") { button.run() }
            }
        } catch {
            log.error("cannot start threads: \(error)")
            return 1
        }
        startSession(client: config.client)
        log.info("holdfast: \(sensorName); \(dataReady); socket \(config.socketPath); sessions in \(config.stateDirectory)")
        let t = treatment.thresholds
        log.info("holds start at \(DecimalText.fixed(t.startN, decimals: 2)) N and end at \(DecimalText.fixed(t.endN, decimals: 2)) N")
        if let warning = treatment.warning { log.warning(warning) }
        if let alarmN = treatment.scale.force(atLevel: config.alarmLevel),
           let lag = SignalChain.rampCrossingDelayNs(treatment.signalConfig, levelN: alarmN, newtonsPerSecond: 10) {
            log.info("the filtered force reaches the alarm level \(lag / 1_000_000) ms after the force does on a 10 N/s ramp")
        }
        notifier.notify("READY=1\nSTATUS=acquiring from \(sensorName)")

        let frameInterval = Int64(1e9 / config.frameHz)
        var nextFrame = clock.nowNs()
        loop: while true {
            var fds = [pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: events.eventFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: writer.progressFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: server.listenFD, events: Int16(POLLIN), revents: 0)]
            for c in server.clients {
                fds.append(pollfd(fd: c.fd, events: Int16(POLLIN) | (c.hasOutput ? Int16(POLLOUT) : 0), revents: 0))
            }
            let now = clock.nowNs()
            // Rounded up: a timeout of 0 for the last fraction of a millisecond would spin.
            let timeoutMs = Int32(max(0, min(1000, (nextFrame - now + 999_999) / 1_000_000)))
            _ = poll(&fds, nfds_t(fds.count), timeoutMs)
            if fds[0].revents != 0, handleSignals() { break loop }
            if stopRequest.isSet { break loop }
            if fds[1].revents != 0 { handle(events.drain()) }
            if fds[2].revents != 0 { writer.acknowledgeProgress() }
            if fds[3].revents != 0 { server.accept(nowNs: clock.nowNs()) { DaemonMessage.hello(frames.hello()).line } }
            let readable = fds.dropFirst(4).filter { $0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 }.map(\.fd)
            if !readable.isEmpty, let commands {
                server.read(ready: readable, nowNs: clock.nowNs()) { incoming, client in
                    let t = clock.nowNs()
                    client.enqueue(commands.respond(to: incoming, at: t).line, droppable: false, nowNs: t)
                }
            }
            let t = clock.nowNs()
            releaseRecordedHolds(nowNs: t)
            if t >= nextFrame {
                server.broadcast(DaemonMessage.live(frames.frame()).line, droppable: true, nowNs: t)
                nextFrame = max(nextFrame + frameInterval, t)
                pingWatchdog(at: t)
            }
            server.flush(nowNs: clock.nowNs())
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
                log.notice("holdfast: signal \(signal), finishing")
                return true
            default:
                log.notice("holdfast: signal \(signal) ignored (SIGTERM or SIGINT stop the daemon)")
            }
        }
    }

    // MARK: Sessions

    /// Starts a session now (ending the current one first); its times count from now on the sample clock.
    private func startSession(client: String?) {
        endSession()
        let signalConfig = treatment.signalConfig
        let sensorName = self.sensorName
        let delay = delayNs
        let ppt = config.ppt
        let now = clock.nowNs()
        sessions.start(client: client, time: SessionTimeBase(originNs: now, delayNs: delay),
                       samplesSoFar: core.live.snapshot.samples, point: treatment.timeline.label(at: now)) { source in
            var s = source
            s.sensor = sensorName
            return SessionEncoding.header(source: s, config: signalConfig, delayNs: delay, ppt: ppt)
        }
    }

    /// Ends the current session with its summary; returns its file.
    @discardableResult
    private func endSession() -> String? {
        let stats = acquisitionStatistics.snapshot
        return sessions.end(samplesNow: core.live.snapshot.samples, lastNs: clock.nowNs(), dropped: ring.droppedCount,
                            acquisition: AcquisitionSummary(stats), warnings: [treatment.warning].compactMap { $0 })
    }

    // MARK: Core events

    /// Alarms first — the output switched and the message on its way to every
    /// client before any other event is looked at — then the rest in order.
    private func handle(_ list: [CoreEvent]) {
        for case let .alarm(on, at, force) in list { alarm(on: on, atNs: at, forceQ16: force) }
        let session = sessions.current
        for event in list {
            switch event {
            case .alarm(let on, let at, let force):
                let level = treatment.scale.level(atForce: Q16.newtons(force))
                session?.alarm(on: on, crossingNs: at, forceQ16: force, level: level)
                if on { log.notice("over-pressure alarm: level \(DecimalText.fixed(level, decimals: 1))") }
            case .hold(let record):
                if let session {
                    let (line, ticket) = session.hold(record, timeline: treatment.timeline, scale: treatment.scale)
                    awaitingDisk.append((ticket, DaemonMessage.hold(line).line, clock.nowNs()))
                }
            case .trial(let record):
                if let session {
                    let (line, ticket) = session.trial(record, timeline: treatment.timeline)
                    awaitingDisk.append((ticket, DaemonMessage.ppt(line).line, clock.nowNs()))
                    log.info("PPT trial: \(DecimalText.fixed(line.forceN, decimals: 1)) N at \(DecimalText.fixed(line.rateNS, decimals: 1)) N/s"
                        + (line.why.map { " (not counted: \($0))" } ?? ""))
                }
            case .signal(let outcome, _):
                switch outcome {
                case .accepted:
                    notify(DaemonMessage.Notice(about: "ppt", ok: true, message: "signal: this press is a PPT trial; release to record it"))
                case .noContact:
                    notify(DaemonMessage.Notice(about: "ppt", ok: false,
                                                message: "signal with no contact: nothing is being pressed (the client signals during a press)"))
                case .repeated:
                    notify(DaemonMessage.Notice(about: "ppt", ok: false, message: "this press already has the client's signal; the first counts"))
                }
            case .touch:
                session?.touch()
            case .gap(let at, let missing):
                session.map { $0.record(SessionEncoding.gap(atNs: $0.relative(at), missingNs: missing)) }
                log.warning("sensor: samples again after \(DecimalText.format(DecimalText.roundedDivision(missing, 1_000_000), decimals: 3)) s without any")
            case .tared(let offset, let at):
                session.map { $0.record(SessionEncoding.tare(offsetCounts: offset, atNs: $0.relative(at))) }
                notify(DaemonMessage.Notice(about: "tare", ok: true, message: "zero set (\(offset) counts)"))
            case .tareRefused(let why):
                notify(DaemonMessage.Notice(about: "tare", ok: false, message: why))
            case .scaleRefused(let why):
                log.error("core refused a new scale: \(why)")
            case .finished:
                break
            }
        }
        server.flush(nowNs: clock.nowNs())
    }

    private func notify(_ notice: DaemonMessage.Notice) {
        server.broadcast(DaemonMessage.notice(notice).line, droppable: false, nowNs: clock.nowNs())
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
        let now = clock.nowNs()
        let sessionTime = sessions.current?.time.time(ofFilteredSampleNs: at) ?? (at - delayNs)
        let message = DaemonMessage.Alarm(
            on: on, tS: FrameEncoder.seconds(sessionTime), level: rounded(treatment.scale.level(atForce: Q16.newtons(force)), decimals: 2),
            forceN: rounded(Q16.newtons(force), decimals: 3), crossingNs: at, sentNs: now)
        server.broadcast(DaemonMessage.alarm(message).line, droppable: false, nowNs: now)
        server.flush(nowNs: now)
    }

    // MARK: Watchdog and shutdown

    /// WATCHDOG=1 only while both threads are looping.
    private func pingWatchdog(at t: Int64) {
        guard let interval = notifier.watchdogIntervalNs, t - lastWatchdogNs >= interval else { return }
        let beats = (core: core.live.heartbeat.load(ordering: .relaxed), acquisition: acquisitionStatistics.heartbeat.load(ordering: .relaxed))
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
        stopButton.set()
        buttonThread?.join()
        acquisitionThread?.join()
        core.stop()
        coreThread?.join()
        handle(events.drain())
        endSession()
        commands = nil
        releaseRecordedHolds(nowNs: clock.nowNs(), all: true)
        server.flush(nowNs: clock.nowNs())
        server.shutDown()
        alarmOutput.set(false)
        let outcome = writer.finish(deadlineNs: monotonicNanoseconds() + Self.drainSecondsAtExit * 1_000_000_000)
        if outcome.complete {
            log.info("holdfast: stopped; every record written")
            return Self.exitAllWritten
        }
        if outcome.lost.isEmpty {
            log.warning("holdfast: stopped; records of \(outcome.spilled.joined(separator: ", ")) could not be written and are "
                + "kept in the reserve: the next start finishes those files")
            return Self.exitRecordsKept
        }
        log.error("holdfast: stopped; records of \(outcome.lost.map(\.path).joined(separator: ", ")) could not be written "
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

/// The acquisition and whatever must live as long as it reads (an emulated chip and its trace).
private struct AcquisitionLoop {
    let acquisition: Acquisition
    let owner: AnyObject?
}
