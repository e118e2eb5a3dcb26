import HoldfastCore
import HoldfastPOSIX

/// The acquisition loop: waits for a conversion, reads it, timestamps it and
/// pushes it into the ring. Runs on its own thread and never gives up.
///
/// - Waits on the data-ready line with a timeout of a few periods; when no
///   line is configured, or it goes silent, it polls: the chip's ready bit
///   if it has one, otherwise paced by the sample period. It tries the line
///   again every second. Edges stamped before the chip was last (re)started,
///   or not after the last sample, are discarded: the kernel queues edges
///   while we are away (in a backoff, or polling), and they belong to
///   conversions we never read or have read already. Stamping a reading with
///   one would send time backwards.
/// - Timestamps with the kernel's edge time when there is one, else the clock.
/// - Once a second it asks the chip whether it still holds its configuration
///   (one transfer): a brown-out too short for any transfer to fail leaves
///   it idle, and only its registers say so. If not, it is restarted as
///   after an error.
/// - On bus errors it backs off (1 ms doubling to 250 ms) and re-initialises the
///   chip, which may have lost power. The next sample carries
///   ``SampleFlags/afterGap``, and the gap is recorded.
/// - Errors that mean a bug (EBADF, EFAULT) trap: retrying cannot help.
///
/// Not `Sendable`: it is handed whole to the acquisition thread (a `sending`
/// hand-over the compiler checks) and driven only there; other threads keep
/// `statistics` (atomics) and the ring's consumer side.
public final class Acquisition {
    /// What to do when the ring is full.
    public enum FullRing: Sendable {
        /// Live: count a drop and carry on; the core must never slow the bus.
        case drop
        /// Emulation: wait for the consumer, so results do not depend on thread timing.
        case wait(shouldGiveUp: @Sendable () -> Bool)
    }

    public let sensor: ForceSensor
    public let line: DataReadyLine?
    public let clock: MonotonicClock
    public let ring: SPSCRing<Sample>
    public let statistics = AcquisitionStatistics()
    private let fullRing: FullRing
    private let log: Log

    private let periodNs: Int64
    private var started = false
    private var backoffNs: Int64 = 1_000_000
    private var lineSilentSince: Int64?
    private var nextPollNs: Int64 = 0
    private var lastSampleNs: Int64?
    private var gapPending = false
    private var startedAtNs: Int64 = .min
    private var nextConfigurationCheckNs: Int64 = 0
    /// How often the chip's configuration is read back.
    public static let configurationCheckIntervalNs: Int64 = 1_000_000_000
    /// The last error logged, when, and how many identical ones were not logged since.
    private var lastLogged: (message: String, atNs: Int64)?
    private var unlogged = 0

    public init(sensor: ForceSensor, line: DataReadyLine?, clock: MonotonicClock, ring: SPSCRing<Sample>,
                fullRing: FullRing = .drop, log: Log = .discard) {
        self.sensor = sensor
        self.line = line
        self.clock = clock
        self.ring = ring
        self.fullRing = fullRing
        self.log = log
        periodNs = Int64((1e9 / sensor.sampleRateHz).rounded())
    }

    /// Runs until `shouldStop` returns true (checked once per sample or wait).
    public func run(until shouldStop: () -> Bool) {
        while !shouldStop() { step(shouldStop) }
    }

    /// One iteration: (re)start the chip if needed, wait for a conversion, read and push it.
    /// A reading taken when `shouldStop` has turned true (the source ended
    /// during the wait) is not pushed.
    public func step(_ shouldStop: () -> Bool = { false }) {
        statistics.heartbeat.wrappingAdd(1, ordering: .relaxed)
        if !started {
            do {
                try sensor.start()
                started = true
                startedAtNs = clock.nowNs()
                nextConfigurationCheckNs = startedAtNs + Self.configurationCheckIntervalNs
                backoffNs = 1_000_000
                nextPollNs = clock.nowNs() + periodNs
                flushUnlogged()
                log.info("\(sensor.identity.description): started at \(sensor.sampleRateHz) SPS")
            } catch {
                record(error.description)
                clock.sleep(untilNs: clock.nowNs() + backoffNs)
                backoffNs = min(backoffNs * 2, 250_000_000)
                return
            }
        }
        let now = clock.nowNs()
        if now >= nextConfigurationCheckNs {
            nextConfigurationCheckNs = now + Self.configurationCheckIntervalNs
            if !stillConfigured() { return }
        }
        guard let (timestamp, polled) = waitForConversion() else { return }
        let reading: Reading
        do {
            reading = try sensor.readConversion()
        } catch {
            lost(error)
            return
        }
        if shouldStop() { return }
        if polled { statistics.polledSamples.wrappingAdd(1, ordering: .relaxed) }
        setMode(polled ? .polling : .dataReady)
        push(reading, at: timestamp)
    }

    /// Reads the chip's configuration back; false (and a restart pending) if it was lost or unreadable.
    private func stillConfigured() -> Bool {
        do {
            if try sensor.isConfigured() { return true }
            lost("\(sensor.identity.description): the chip has lost its configuration (reset by a brown-out?); restarting it")
        } catch {
            lost(error)
        }
        return false
    }

    /// The chip failed a transfer: restart it, and mark the gap. EBADF and EFAULT are our bugs: trap.
    private func lost(_ error: I2CError) {
        precondition(!error.isBug, "acquisition: \(error)")
        lost(error.description)
    }

    private func lost(_ why: String) {
        record(why)
        started = false
        gapPending = true
        setMode(.starting)
    }

    /// Publishes how conversions are found now (a store only when it changes).
    private func setMode(_ mode: AcquisitionMode) {
        if statistics.mode.load(ordering: .relaxed) != mode.rawValue {
            statistics.mode.store(mode.rawValue, ordering: .relaxed)
        }
    }

    /// The time of the next conversion and whether it was found by polling,
    /// or nil if none came (the caller loops).
    private func waitForConversion() -> (Int64, polled: Bool)? {
        let now = clock.nowNs()
        if let line, lineSilentSince.map({ now - $0 >= 1_000_000_000 }) ?? true {
            do {
                switch try line.waitForEdge(timeoutNs: 3 * periodNs) {
                case .edge(let t) where t < startedAtNs || t <= (lastSampleNs ?? .min):
                    return nil  // queued while we were away: the caller loops to the next
                case .edge(let t):
                    if lineSilentSince != nil { log.notice("\(line.name): edges again; back on the data-ready line") }
                    lineSilentSince = nil
                    return (t, false)
                case .timeout:
                    if lineSilentSince == nil {
                        log.notice("\(line.name): no edge for \(3 * periodNs / 1_000_000) ms; polling")
                        nextPollNs = clock.nowNs()  // a conversion is likely waiting: read it now, then pace
                    }
                    lineSilentSince = clock.nowNs()
                }
            } catch {
                precondition(error.errno != EBADF, "acquisition: \(error)")
                record(error.description)
                lineSilentSince = clock.nowNs()
            }
        }
        return poll().map { ($0, true) }
    }

    /// Paced polling: sleeps to the next period, then asks the chip (if it can tell).
    private func poll() -> Int64? {
        clock.sleep(untilNs: nextPollNs)
        // Keep the phase when on time; when late, do not catch up: two reads in
        // quick succession would read the same conversion twice.
        nextPollNs = max(nextPollNs + periodNs, clock.nowNs() + periodNs / 2)
        do {
            if try sensor.conversionReady() == false {
                // Not yet: look again a fraction of a period later.
                nextPollNs = clock.nowNs() + periodNs / 8
                return nil
            }
        } catch {
            lost(error)
            return nil
        }
        return clock.nowNs()
    }

    private func push(_ reading: Reading, at timestamp: Int64) {
        var flags: SampleFlags = reading.saturated ? .saturated : []
        if reading.saturated { statistics.saturated.wrappingAdd(1, ordering: .relaxed) }
        if let last = lastSampleNs {
            let gap = timestamp - last
            if gapPending || gap > periodNs * 5 / 2 {
                flags.insert(.afterGap)
                statistics.gaps.wrappingAdd(1, ordering: .relaxed)
                if gap > statistics.longestGapNs.load(ordering: .relaxed) {
                    statistics.longestGapNs.store(gap, ordering: .relaxed)
                }
                if gapPending { statistics.recoveries.wrappingAdd(1, ordering: .relaxed) }
            }
        } else {
            statistics.firstNs.store(timestamp, ordering: .relaxed)
        }
        gapPending = false
        lastSampleNs = timestamp
        let sample = Sample(timestampNs: timestamp, raw: reading.raw, flags: flags)
        switch fullRing {
        case .drop:
            _ = ring.push(sample)
        case .wait(let shouldGiveUp):
            while !ring.tryPush(sample) {
                if shouldGiveUp() { return }
                yieldProcessor()
            }
        }
        statistics.samples.wrappingAdd(1, ordering: .relaxed)
        statistics.lastNs.store(timestamp, ordering: .relaxed)
    }

    /// Counts every error; logs the first of a run of identical ones and then
    /// one line per ``repeatLogIntervalNs`` (a sensor unplugged for an hour
    /// must not write four lines a second to the journal).
    private func record(_ message: String) {
        statistics.errors.wrappingAdd(1, ordering: .relaxed)
        statistics.lastError.withLock { $0 = message }
        let now = clock.nowNs()
        if let last = lastLogged, last.message == message {
            if now - last.atNs < Self.repeatLogIntervalNs {
                unlogged += 1
            } else {
                log.warning("\(message) (\(unlogged + 1) times since the last report)")
                lastLogged = (message, now)
                unlogged = 0
            }
            return
        }
        flushUnlogged()
        lastLogged = (message, now)
        log.warning(message)
    }

    /// Ends a run of identical errors (another error, or a successful start), saying how long it was.
    private func flushUnlogged() {
        if unlogged > 0 { log.warning("(the error above repeated \(unlogged) more times)") }
        unlogged = 0
        lastLogged = nil
    }

    /// How often a repeating error is logged again.
    public static let repeatLogIntervalNs: Int64 = 10_000_000_000
}

extension Acquisition {
    /// Runs the loop on the calling thread until `count` samples have been
    /// read (or `deadlineNs` passes), and returns them: for calibration and
    /// checks, not for sessions (it pops its own ring).
    public func collect(count: Int, deadlineNs: Int64) -> [Sample] {
        var samples: [Sample] = []
        samples.reserveCapacity(count)
        while samples.count < count && clock.nowNs() < deadlineNs {
            step()
            while samples.count < count, let s = ring.pop() { samples.append(s) }
        }
        return samples
    }
}
