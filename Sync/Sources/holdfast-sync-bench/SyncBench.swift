import HoldfastPOSIX
import HoldfastSession
import HoldfastSync
import HoldfastSyncPostgres
import Synchronization

// Figures only, like Benchmarks/: the first sync of a 1,000-session history
// (records/s, over the configured connection) and the lag of the sync behind
// a session file growing by 1,000 records a second (far more than a real
// session's few a minute: the worst a board could ask of it), at the default
// interval and at a short one. The configuration gives the connection only:
// batches and intervals are the shipped defaults (or --batch), so figures from
// different databases compare. Each run uses boards of its own, so the
// database may be shared.
//
//   holdfast-sync-bench --config sync.conf [--sessions 1000] [--seconds 10] [--batch 1000]

@main
struct SyncBench {
    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        guard let config = option("--config") else {
            print("usage: holdfast-sync-bench --config sync.conf [--sessions 1000] [--seconds 10] [--batch 1000]")
            exit(64)
        }
        let sessionCount = option("--sessions").flatMap(Int.init) ?? 1000
        let seconds = option("--seconds").flatMap(Double.init) ?? 10
        let defaults = SyncSettings(board: "bench")
        let batch = option("--batch").flatMap(Int.init) ?? defaults.batchRecords
        do {
            var settings = try SyncSettings.load(path: config)
            settings.batchRecords = max(1, batch)
            let password = try PasswordFile.path(configured: settings.passwordFile, credentialsDirectory: nil)
                .map { path throws(PasswordFile.Refused) in try PasswordFile.password(in: path) }
            let db = try await PostgresSyncDatabase.connect(settings, password: password)
            _ = try await db.migrate()
            let tag = "bench-\(getpid())-\(Int(wallClockSeconds()))"
            try await firstSync(db, settings: settings, board: tag + "-history", sessions: sessionCount)
            for interval in [defaults.intervalS, 0.05] {
                try await lag(db, settings: settings, board: tag + "-lag-\(Int(interval * 1000))ms", seconds: seconds,
                              interval: interval)
            }
            await db.close()
        } catch {
            print("holdfast-sync-bench: \(error)")
            exit(1)
        }
    }

    /// A history as a busy room leaves it: sessions of twenty clients, each with a header, 30 holds at three
    /// points, two alarms, a gap, a mark and a summary.
    static func writeHistory(_ dir: String, sessions: Int) throws -> Int {
        var records = 0
        for s in 0..<sessions {
            let day = 1 + s / 8, slot = s % 8
            let (month, date, hour) = (pad(1 + (day / 28) % 12), pad(1 + day % 28), pad(8 + slot))
            let name = "2026\(month)\(date)T\(hour)0000Z-c\(s % 20).jsonl"
            var lines = [header(client: "c\(s % 20)", started: "2026-\(month)-\(date)T\(hour):00:00Z")]
            for h in 1...30 { lines.append(hold(h, at: Double(h) * 60)) }
            lines.append(#"{"type":"alarm","t_s":605.250,"force_n":52.100,"level":9.42}"#)
            lines.append(#"{"type":"alarm_end","t_s":607.750,"force_n":47.900,"level":8.71}"#)
            lines.append(#"{"type":"gap","t_s":1200.500,"missing_s":0.750}"#)
            lines.append(#"{"type":"mark","t_s":1300.000,"note":"client reports easing"}"#)
            lines.append(#"{"type":"summary","samples":614400,"duration_s":1920.000,"holds":30,"touches":2,"dropped":0,"saturated":0,"points":[]}"#)
            records += lines.count
            try writeFileAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: dir + "/" + name, mode: 0o640)
        }
        return records
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func header(client: String, started: String) -> String {
        #"{"type":"session","format":1,"source":{"kind":"sensor","sensor":"nau7802 emulated","started":"\#(started)","client":"\#(client)"},"rate_hz":320,"scale":[{"force_n":3,"level":1},{"force_n":55,"level":10}],"thresholds":{"start_n":5.000,"end_n":3.000,"from_scale":true,"max_dip_s":0.3,"max_regrip_s":1,"min_hold_s":2},"filter":{"kind":"critical2","cutoff_hz":2.2,"spike_window":5,"zero_tracking":true,"delay_s":0.097105},"zones":{"target_levels":[5.5,7.5],"over_level":8.5}}"#
    }

    static func hold(_ n: Int, at t: Double) -> String {
        let point = ["upper trapezius L", "levator scapulae R", "suboccipitals"][n % 3]
        return #"{"type":"hold","n":\#(n),"point":"\#(point)","start_s":\#(t),"end_s":\#(t + 45.5),"hold_s":45.500,"mean_n":35.412,"peak_n":40.501,"mean_level":6.62,"peak_level":7.41,"target_s":41.000,"over_s":0.000,"regrips":1}"#
    }

    static func firstSync(_ db: PostgresSyncDatabase, settings: SyncSettings, board: String, sessions: Int) async throws {
        let dir = try makeTemporaryDirectory(prefix: "holdfast-sync-bench")
        defer { removeTree(dir) }
        let records = try writeHistory(dir, sessions: sessions)
        var engine = SyncEngine(board: board, directory: dir, batchRecords: settings.batchRecords)
        try await engine.attach(to: db)
        let start = wallClockSeconds()
        let result = try await engine.pass(db)
        let elapsed = wallClockSeconds() - start
        precondition(result.lines == records && engine.counters.recordsStored == records, "stored \(result.lines) of \(records)")
        print("first sync: \(sessions) sessions, \(records) records in \(fixed(elapsed, 2)) s: "
              + "\(Int(Double(records) / elapsed)) records/s (\(result.transactions) transactions of up to \(settings.batchRecords))")
    }

    static func lag(_ db: PostgresSyncDatabase, settings: SyncSettings, board: String, seconds: Double, interval: Double) async throws {
        let dir = try makeTemporaryDirectory(prefix: "holdfast-sync-lag")
        defer { removeTree(dir) }
        let path = dir + "/20260301T090000Z-live.jsonl"
        try writeFileAtomically(Array((header(client: "live", started: "2026-03-01T09:00:00Z") + "\n").utf8), to: path, mode: 0o640)
        let appended = Mutex<[Double]>([0, 0])  // by line number; line 1 is the header, written before we time
        let lags = Mutex<[Double]>([])
        let done = Atomic<Bool>(false)
        let total = Int(seconds * 1000)
        // Appends the due records every half millisecond; returns why it stopped early, if it did.
        let writer = try JoinableThread(name: "appender") { () -> String? in
            defer { done.store(true, ordering: .releasing) }
            let fd: Int32
            do { fd = try valueOrErrno { open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }.get("open", path) } catch {
                return "\(error)"
            }
            defer { closeDescriptor(fd) }
            let start = wallClockSeconds()
            var n = 0
            while n < total {
                let due = min(total, Int((wallClockSeconds() - start) * 1000))
                if due > n {
                    var text = ""
                    for k in n..<due { text += hold(k + 1, at: Double(k) / 1000) + "\n" }
                    let bytes = Array(text.utf8)
                    do {
                        let written = try valueOrErrno { bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
                            .get("write", path)
                        guard written == bytes.count else { return "\(path): short write (\(written) of \(bytes.count) bytes)" }
                    } catch {
                        return "\(error)"
                    }
                    let now = wallClockSeconds()
                    appended.withLock { $0 += Array(repeating: now, count: due - n) }
                    n = due
                }
                usleep(500)
            }
            return nil
        }
        var engine = SyncEngine(board: board, directory: dir, batchRecords: settings.batchRecords)
        engine.onCommit = { batch, committedAt in
            let times = appended.withLock { $0 }
            lags.withLock { l in
                for r in batch.records where r.number > 1 && r.number < times.count { l.append(committedAt - times[r.number]) }
            }
        }
        try await engine.attach(to: db)
        while true {
            let finished = done.load(ordering: .acquiring)
            _ = try await engine.pass(db)
            if finished { break }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
        if let problem = writer.join() { throw SystemError("append", path, errno: EIO, detail: problem) }
        let sorted = lags.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { return }
        func at(_ q: Double) -> String { fixed(sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] * 1000, 1) }
        print("lag at 1 kHz, interval \(fixed(interval, 2)) s: \(sorted.count) records over \(fixed(seconds, 0)) s, "
              + "append → committed p50 \(at(0.5)) ms, p99 \(at(0.99)) ms, max \(at(1.0)) ms; "
              + "\(engine.counters.transactions) transactions")
    }

    static func fixed(_ v: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (v * scale).rounded() / scale
        return decimals == 0 ? String(Int(r)) : String(r)
    }

    static func removeTree(_ dir: String) {
        for name in (try? directoryEntries(dir)) ?? [] { unlink(dir + "/" + name) }
        rmdir(dir)
    }
}
