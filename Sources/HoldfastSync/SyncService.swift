import HoldfastCore
import HoldfastPOSIX

/// The sync as a service: passes every `interval_s`, and while the database
/// cannot be reached, attempts from 1 s apart doubling to `retry_max_s`, for as
/// long as it takes (a week offline is a long wait, nothing more: the files keep
/// everything). Each (re)connection migrates the schema if needed, claims the
/// board and reads the cursors again. Status is written when it changes, at
/// most every `statusEveryS` (an SD card is not rewritten every second), and on the way out.
public struct SyncService {
    public let settings: SyncSettings
    public var engine: SyncEngine
    public var status: SyncStatus
    public var statusEveryS = 10.0
    let connect: @Sendable () async throws(SyncDatabaseError) -> any SyncDatabase
    let log: @Sendable (String) -> Void

    public init(settings: SyncSettings, log: @escaping @Sendable (String) -> Void,
                connect: @escaping @Sendable () async throws(SyncDatabaseError) -> any SyncDatabase) {
        self.settings = settings
        self.connect = connect
        self.log = log
        // Counts and the last caught-up time go on from the previous run's status.
        let previous = (try? readFile(settings.statusFile, limit: 1 << 20)).flatMap { SyncStatus(json: $0) }
        var counters = previous?.board == settings.board ? previous?.counters ?? SyncCounters() : SyncCounters()
        counters.filesRefused = 0
        engine = SyncEngine(board: settings.board, directory: settings.stateDirectory, batchRecords: settings.batchRecords,
                            counters: counters, log: log)
        engine.caughtUpAt = previous?.caughtUpAt
        status = SyncStatus(board: settings.board, updatedAt: wallClockSeconds())
        status.lastSuccessAt = previous?.lastSuccessAt
    }

    /// Runs until `stop()` says so (checked between transactions and while
    /// waiting), or with `once` until a pass finds nothing left to store.
    /// Returns false if `once` ended without the database.
    public mutating func run(once: Bool = false, stop: @Sendable () -> Bool) async -> Bool {
        var db: (any SyncDatabase)?
        var backoff = 1.0
        var written = StatusWrites(every: statusEveryS)
        var lastContact = wallClockSeconds()
        while !stop() {
            do throws(SyncDatabaseError) {
                if db == nil {
                    let fresh = try await connect()
                    db = fresh
                    let applied = try await fresh.migrate()
                    if !applied.isEmpty { log("schema migrated to version \(applied.last ?? 0) (applied \(applied.map(String.init).joined(separator: ", ")))") }
                    try await engine.attach(to: fresh)
                    status.databaseUp = true
                    status.schemaVersion = SyncSchema.latestVersion
                    backoff = 1
                }
                guard let current = db else { continue }
                let result = try await engine.pass(current)
                if result.transactions > 0 {
                    lastContact = wallClockSeconds()
                } else if wallClockSeconds() - lastContact >= statusEveryS {
                    try await current.ping()  // idle: is the database still there?
                    lastContact = wallClockSeconds()
                }
                if let problem = result.directoryError { note(problem) } else { status.lastSuccessAt = wallClockSeconds() }
                if once && result.lines == 0 && result.directoryError == nil { break }
                if result.lines == 0 { await sleep(settings.intervalS, stop: stop) }
            } catch {
                note(error.description)
                if case .unavailable = error { status.databaseUp = false }
                await db?.close()
                db = nil
                if once {
                    updateStatus(force: true, written: &written)
                    return false
                }
                await sleep(backoff, stop: stop)
                backoff = min(backoff * 2, settings.retryMaxS)
            }
            updateStatus(force: false, written: &written)
        }
        await db?.close()
        updateStatus(force: true, written: &written)
        return true
    }

    /// Records an error; logs it when it differs from the last (a database down for a week is one line, not 300,000).
    private mutating func note(_ error: String) {
        if error != status.lastError { log(error) }
        status.lastError = error
        status.lastErrorAt = wallClockSeconds()
    }

    /// Brings the status up to date and writes it when `written` says it is due.
    mutating func updateStatus(force: Bool, written: inout StatusWrites) {
        let now = wallClockSeconds()
        status.counters = engine.counters
        status.caughtUpAt = engine.caughtUpAt
        if status.databaseUp || status.lagRecords != nil {
            let lag = engine.lag()
            status.lagRecords = lag.records
            status.lagSeconds = lag.records == 0 ? 0 : max(0, now - (engine.caughtUpAt ?? lag.oldestChange ?? now))
        }
        guard force || written.due(status, now: now) else { return }
        status.updatedAt = now
        do { try status.write(statusFile: settings.statusFile, prometheusFile: settings.prometheusFile) } catch {
            log("cannot write the status: \(error)")
        }
        written.wrote(status, at: now)
    }

    private func sleep(_ seconds: Double, stop: @Sendable () -> Bool) async {
        var left = seconds
        while left > 0 && !stop() {
            let step = min(left, 0.1)
            try? await Task.sleep(nanoseconds: UInt64(step * 1e9))
            left -= step
        }
    }
}

/// When the status is written: when it differs from the one last written, at
/// most every `every` seconds. Compared with what was written, not with the
/// previous look, so that a change held back by the rate limit (the database
/// found gone just after a write) is written when the limit allows, not lost.
public struct StatusWrites {
    public let every: Double
    public private(set) var last: SyncStatus?
    public private(set) var lastAt = -Double.infinity

    public init(every: Double) { self.every = every }

    public func due(_ status: SyncStatus, now: Double) -> Bool {
        var same = status
        same.updatedAt = last?.updatedAt ?? status.updatedAt
        return same != last && now - lastAt >= every
    }

    public mutating func wrote(_ status: SyncStatus, at now: Double) {
        last = status
        lastAt = now
    }
}
