import CLinux
import HoldfastCore
import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors
import HoldfastSession
import Synchronization

/// `holdfast daemon`: acquisition thread → ring → core thread → event loop
/// (control socket, session files, alarm output, systemd notifications).
///
/// The event loop is the main thread, a poll() over the signalfd, the core's
/// eventfd, the listening socket and the clients. It never waits on the
/// disk or a client: session records go through a ``DurableLog`` that queues
/// on failure, and clients have bounded buffers.
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
    private let listenFD: Int32
    private let notifier: SystemdNotifier
    private let alarmOutput: GPIOOutput?
    private let delayNs: Int64
    private var clients: [ControlClient] = []
    private var session: SessionRecorder?
    /// The signal path's configuration; its scale follows the client's ratings.
    private var signalConfig: SignalConfig
    private var scale: PressureScale {
        get { signalConfig.scale }
        set { signalConfig.scale = newValue }
    }
    private var acquisitionThread: JoinableThread?
    private var coreThread: JoinableThread?
    private let stopAcquisition = StopFlag()
    private var lastWatchdogNs: Int64 = 0
    private var lastBeats = (core: -1, acquisition: -1)

    public init(config: DaemonConfig, environment: [String: String], log: @escaping @Sendable (String) -> Void) throws(DaemonError) {
        self.config = config
        self.log = log
        // Block the termination signals before any thread starts, so only the signalfd sees them.
        signalFD = holdfast_signalfd_for_termination()
        guard signalFD >= 0 else { throw DaemonError("signalfd: \(SystemError.describe(errno))") }
        let eventFD = holdfast_eventfd()
        guard eventFD >= 0 else { throw DaemonError("eventfd: \(SystemError.describe(errno))") }
        let events = WakingQueue<CoreEvent>(eventFD: eventFD)
        self.events = events
        let timeline = self.timeline
        sensor = try SensorSource.open(config) { label, t in
            timeline.set(label, at: t)
            events.push(.point(label, atNs: t))
        }
        do { ring = try SPSCRing<Sample>(minimumCapacity: 1 << 14) } catch { throw DaemonError(error.description) }
        signalConfig = SignalConfig(calibration: sensor.calibration, sampleRateHz: sensor.driver.sampleRateHz,
                                    cutoffHz: config.cutoffHz, thresholds: config.thresholds, scale: config.scale,
                                    zeroTracking: true)
        let chain: SignalChain
        do { chain = try SignalChain(signalConfig) } catch { throw DaemonError("signal path: \(error)") }
        delayNs = chain.delayNs
        core = CoreLoop(ring: ring, chain: chain, alarmLevel: config.alarmLevel, events: events)
        acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: sensor.clock, ring: ring, log: log)
        if let spec = config.alarmGPIO, let colon = spec.lastIndex(of: ":"), let offset = UInt32(spec[spec.index(after: colon)...]) {
            do { alarmOutput = try GPIOOutput(chip: String(spec[..<colon]), offset: offset) }
            catch { throw DaemonError("alarm_gpio: \(error)") }
        } else {
            alarmOutput = nil
        }
        notifier = SystemdNotifier(environment: environment)
        listenFD = try Self.listen(on: config.socketPath)
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
        notifier.notify("READY=1\nSTATUS=acquiring from \(sensor.description)")

        let frameInterval = Int64(1e9 / config.frameHz)
        var nextFrame = sensor.clock.nowNs()
        loop: while true {
            var fds = [pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: events.eventFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            let polled = clients  // accept() below may add clients that have no pollfd yet
            for c in polled {
                fds.append(pollfd(fd: c.fd, events: Int16(POLLIN) | (c.output.isEmpty ? 0 : Int16(POLLOUT)), revents: 0))
            }
            let now = sensor.clock.nowNs()
            // Rounded up: a timeout of 0 for the last fraction of a millisecond would spin.
            let timeoutMs = Int32(max(0, min(1000, (nextFrame - now + 999_999) / 1_000_000)))
            _ = poll(&fds, nfds_t(fds.count), timeoutMs)
            if fds[0].revents != 0 {
                let signal = holdfast_read_signal(signalFD)
                if signal == SIGTERM || signal == SIGINT { log("holdfast: signal \(signal), finishing"); break loop }
            }
            if fds[1].revents != 0 { handle(events.drain()) }
            if fds[2].revents != 0 { accept() }
            let t = sensor.clock.nowNs()
            for (i, client) in polled.enumerated() where fds[3 + i].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                for incoming in client.readAvailable(nowNs: t) { respond(to: incoming, from: client) }
            }
            if t >= nextFrame {
                broadcast(liveFrame(), droppable: true)
                nextFrame = max(nextFrame + frameInterval, t)
                _ = session?.log.retry()
                pingWatchdog(at: t)
            }
            flushClients()
        }
        return shutdown()
    }

    // MARK: Sessions

    private func startSession(client: String?) {
        let chainConfig = signalConfig
        let sensorName = sensor.description
        let delay = delayNs
        do {
            session = try SessionRecorder(directory: config.stateDirectory, client: client, startNs: sensor.clock.nowNs(),
                                          samplesSoFar: core.live.snapshot.samples) { source in
                var s = source
                s.sensor = sensorName
                return SessionEncoding.header(source: s, config: chainConfig, delayNs: delay)
            }
            if let label = timeline.label(at: sensor.clock.nowNs()), let session {
                session.record(SessionEncoding.point(label, atNs: 0))
            }
            log("session started: \(session?.log.path ?? "?")")
        } catch {
            session = nil
            log("cannot start a session: \(error)")
        }
    }

    private func endSession() {
        guard let session else { return }
        let stats = acquisition.statistics.snapshot
        let lost = session.finish(samplesNow: core.live.snapshot.samples, lastNs: sensor.clock.nowNs(),
                                  dropped: ring.droppedCount, saturated: stats.saturated,
                                  acquisition: AcquisitionSummary(stats))
        if !lost.isEmpty { log("session \(session.log.path): \(lost.count) records could not be written: \(session.log.fault?.description ?? "")") }
        log("session ended: \(session.log.path)")
        self.session = nil
    }

    // MARK: Core events

    private func handle(_ list: [CoreEvent]) {
        for event in list {
            let t = sensor.clock.nowNs()
            switch event {
            case .hold(let record):
                let label = timeline.label(at: record.startNs + delayNs)
                if let session {
                    let hold = session.hold(record, point: label, scale: scale)
                    broadcast(SessionEncoding.hold(hold, number: session.holds.count), droppable: false)
                }
            case .touch:
                session?.touch()
            case .alarm(let on, let at, let force):
                let level = scale.level(atForce: Q16.newtons(force))
                session.map { $0.record(SessionEncoding.alarm(on: on, forceQ16: force, level: level, atNs: $0.relative(at))) }
                try? alarmOutput?.set(on)
                var line = JSONLine()
                line.field("type", on ? "alarm" : "alarm_end")
                line.field("t_s", nanoseconds: session.map { $0.relative(at) } ?? at)
                line.field("level", level: level)
                line.field("force_n", q16: force)
                line.field("crossing_ns", Int(at))
                line.field("sent_ns", Int(t))
                broadcast(line.line(), droppable: false)
                if on { log("over-pressure alarm: level \(DecimalText.fixed(level, decimals: 1))") }
            case .gap(let at, let missing):
                session.map { $0.record(SessionEncoding.gap(atNs: $0.relative(at), missingNs: missing)) }
                log("sensor: samples again after \(DecimalText.format(DecimalText.roundedDivision(missing, 1_000_000), decimals: 3)) s without any")
            case .tared(let offset, let at):
                session.map { $0.record(SessionEncoding.tare(offsetCounts: offset, atNs: $0.relative(at))) }
                broadcast(notice("tare", "zero set (\(offset) counts)"), droppable: false)
            case .tareRefused(let why):
                broadcast(notice("tare", why, ok: false), droppable: false)
            case .point(let label, let at):
                session.map { $0.record(SessionEncoding.point(label, atNs: $0.relative(at))) }
            case .finished:
                break
            }
        }
        flushClients()
    }

    // MARK: Clients

    private static func listen(on path: String) throws(DaemonError) -> Int32 {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw DaemonError("socket path \(path) is too long") }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: \(SystemError.describe(errno))") }
        unlink(path)  // a stale socket from a crash
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { let e = errno; close(fd); throw DaemonError("\(path): bind failed: \(SystemError.describe(e))") }
        chmod(path, 0o660)
        guard Glibc.listen(fd, 16) == 0 else { let e = errno; close(fd); throw DaemonError("\(path): listen failed: \(SystemError.describe(e))") }
        return fd
    }

    private func accept() {
        while true {
            let fd = Glibc.accept(listenFD, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let client = ControlClient(fd: fd, nowNs: sensor.clock.nowNs())
            clients.append(client)
            client.enqueue(hello(), droppable: false, nowNs: sensor.clock.nowNs())
        }
    }

    private func flushClients() {
        let t = sensor.clock.nowNs()
        clients.removeAll { client in
            let keep = client.flush(nowNs: t) && !client.closed
            if !keep { close(client.fd) }
            return !keep
        }
    }

    private func broadcast(_ line: [UInt8], droppable: Bool) {
        let t = sensor.clock.nowNs()
        for client in clients { client.enqueue(line, droppable: droppable, nowNs: t) }
    }

    private func respond(to incoming: ControlClient.Incoming, from client: ControlClient) {
        let t = sensor.clock.nowNs()
        switch incoming {
        case .error(let message):
            client.enqueue(reply(id: nil, error: message), droppable: false, nowNs: t)
        case .line(let text):
            switch ControlCommand.parse(text) {
            case .failure(let e):
                client.enqueue(reply(id: e.id, error: e.message), droppable: false, nowNs: t)
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
            return reply(id: id) { $0.field("point", label) }
        case .tare:
            core.commands.push(.tare)
            return reply(id: id) { $0.field("message", "taring for half a second; keep the sensor free") }
        case .rate(let level):
            let force = (core.live.snapshot.forceN * 10).rounded() / 10  // 0.1 N: the scale stays readable
            do {
                let updated = try scale.adding(forceN: force, level: level)
                scale = updated
                core.commands.push(.setScale(updated))
                session.map { $0.record(SessionEncoding.calibration(forceN: force, level: level, scale: updated, atNs: $0.relative(t))) }
                return reply(id: id) { $0.field("scale", updated.text) }
            } catch {
                return reply(id: id, error: "a level of \(level) at \(DecimalText.fixed(force, decimals: 1)) N contradicts the scale: \(error)")
            }
        case .startSession(let client):
            endSession()
            startSession(client: client)
            guard let session else { return reply(id: id, error: "could not start a session; see the daemon log") }
            return reply(id: id) { $0.field("file", session.log.path) }
        case .endSession:
            guard let session else { return reply(id: id, error: "no session is open") }
            let path = session.log.path
            endSession()
            return reply(id: id) { $0.field("file", path) }
        case .mark(let note):
            guard let session else { return reply(id: id, error: "no session is open") }
            session.record(SessionEncoding.mark(note, atNs: session.relative(t)))
            return reply(id: id)
        case .status:
            return liveFrame(id: id)
        }
    }

    private func reply(id: String?, error: String? = nil, _ fill: (inout JSONLine) -> Void = { _ in }) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "reply")
        if let id { line.field("id", id) }
        line.field("ok", error == nil)
        if let error { line.field("error", error) }
        fill(&line)
        return line.line()
    }

    private func notice(_ about: String, _ message: String, ok: Bool = true) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "notice")
        line.field("about", about)
        line.field("ok", ok)
        line.field("message", message)
        return line.line()
    }

    private func hello() -> [UInt8] {
        var line = JSONLine()
        line.field("type", "hello")
        line.field("protocol", 1)
        line.field("sensor", sensor.description)
        line.field("scale", scale.text)
        line.field("alarm_level", config.alarmLevel)
        line.field("min_hold_s", config.thresholds.minHoldS)
        return line.line()
    }

    // MARK: Live frames

    /// A live frame; `id` marks one sent in reply to a status command.
    private func liveFrame(id: String? = nil) -> [UInt8] {
        let live = core.live.snapshot
        let stats = acquisition.statistics.snapshot
        let level = scale.level(atForce: live.forceN)
        let zone = level >= PressureScale.overLevel ? "over" : level >= PressureScale.targetLevels.upperBound ? "caution"
            : level >= PressureScale.targetLevels.lowerBound ? "target" : "below"
        let heldNs = live.stage == .idle ? 0 : max(0, live.timeNs - live.contactStartNs)
        let stage: String = switch live.stage {
        case .idle: "idle"
        case .pressing: heldNs >= Int64(config.thresholds.minHoldS * 1e9) ? "hold" : "ramp"
        case .dipping: "release"
        }
        let now = sensor.clock.nowNs()
        let silent = now - (stats.samples > 0 ? live.timeNs : 0) > 500_000_000
        var sensorLine = JSONLine()
        sensorLine.field("rate_hz", (stats.achievedRateHz * 10).rounded() / 10)
        sensorLine.field("drops", ring.droppedCount)
        sensorLine.field("errors", stats.errors)
        sensorLine.field("gaps", stats.gaps)
        sensorLine.field("polled", stats.polledSamples)
        sensorLine.field("status", silent ? "disconnected" : stats.polledSamples > 0 && live.samples > 0 ? "polling" : "ok")
        if let e = stats.lastError { sensorLine.field("last_error", e) }
        var line = JSONLine()
        line.field("type", "live")
        if let id { line.field("id", id) }
        line.field("t_s", nanoseconds: session.map { $0.relative(live.timeNs) } ?? live.timeNs)
        line.field("force_n", scaled: Int64((live.forceN * 100).rounded()), decimals: 2)
        line.field("level", level: level)
        line.field("zone", zone)
        line.field("stage", stage)
        line.field("hold_s", nanoseconds: heldNs)
        line.field("point", timeline.label(at: now))
        line.field("alarm", live.alarm)
        line.field("session", session?.log.path)
        line.field("sensor", raw: sensorLine.object())
        if let fault = session?.log.fault { line.field("fault", "session file: \(fault.description)") }
        return line.line()
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

    private func shutdown() -> Int32 {
        notifier.notify("STOPPING=1")
        stopAcquisition.set()
        acquisitionThread?.join()
        core.stop()
        coreThread?.join()
        handle(events.drain())
        endSession()
        flushClients()
        for client in clients { close(client.fd) }
        close(listenFD)
        unlink(config.socketPath)
        try? alarmOutput?.set(false)
        log("holdfast: stopped")
        return 0
    }
}

/// A one-way flag shared between threads.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
