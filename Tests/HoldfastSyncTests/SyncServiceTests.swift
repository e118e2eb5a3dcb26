import Foundation
import HoldfastSync
import HoldfastTestSupport
import Synchronization
import Testing

@Suite("Sync service")
struct SyncServiceTests {
    func settings(_ dir: ScratchDirectory) throws -> SyncSettings {
        var s = SyncSettings(board: "room-3")
        try s.apply(fileText: """
            host = /run/postgresql
            state_dir = \(dir.path)/sessions
            status_file = \(dir.path)/status.json
            prometheus_file = \(dir.path)/sync.prom
            interval_s = 0.01
            """, source: "sync.conf")
        return try s.validated()
    }

    @Test func onceStoresEverythingAndWritesItsStatus() async throws {
        let dir = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("sessions"), withIntermediateDirectories: false)
        try dir.write("sessions/s.jsonl", SyncEngineTests.header("jd42") + "\n" + SyncEngineTests.hold(1) + "\n")
        let db = MemorySyncDatabase()
        var service = SyncService(settings: try settings(dir), log: { _ in }, connect: { db })
        #expect(await service.run(once: true, stop: { false }))
        let status = try #require(SyncStatus(json: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("status.json"))))))
        #expect(status.databaseUp && status.lagRecords == 0 && status.counters.recordsStored == 2)
        #expect(status.schemaVersion == SyncSchema.latestVersion)
        let prom = try String(contentsOfFile: dir.file("sync.prom"), encoding: .utf8)
        #expect(prom.contains("holdfast_sync_records_stored_total{board=\"room-3\"} 2\n"))
        // The next run goes on counting from the status file.
        var again = SyncService(settings: try settings(dir), log: { _ in }, connect: { db })
        #expect(again.status.lastSuccessAt != nil)
        try Data((SyncEngineTests.hold(2) + "\n").utf8).append(toFile: dir.file("sessions/s.jsonl"))
        #expect(await again.run(once: true, stop: { false }))
        #expect(again.status.counters.recordsStored == 3)
    }

    @Test func aDatabaseOutOfReachIsReportedAndLagIsNotGuessed() async throws {
        let dir = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("sessions"), withIntermediateDirectories: false)
        var service = SyncService(settings: try settings(dir), log: { _ in }, connect: { () async throws(SyncDatabaseError) -> any SyncDatabase in
            throw .unavailable("connection refused")
        })
        #expect(await service.run(once: true, stop: { false }) == false)
        let status = try #require(SyncStatus(json: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("status.json"))))))
        #expect(!status.databaseUp && status.lastError == "database unavailable: connection refused")
        #expect(status.lagRecords == nil, "without the database's cursors the lag is not known")
    }

    /// With nothing to store, only a round trip tells that the database went away;
    /// without it the status would say "up" for as long as the board stays idle.
    @Test func anIdleSyncNoticesTheDatabaseGone() async throws {
        let dir = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("sessions"), withIntermediateDirectories: false)
        try dir.write("sessions/s.jsonl", SyncEngineTests.header("jd42") + "\n")
        let db = MemorySyncDatabase()
        let settings = try settings(dir)
        let stopped = Atomic<Bool>(false)
        let task = Task {
            var service = SyncService(settings: settings, log: { _ in }) { () async throws(SyncDatabaseError) -> any SyncDatabase in
                if db.state.withLock({ $0.down }) { throw .unavailable("connection refused") }
                return db
            }
            service.statusEveryS = 0.05
            _ = await service.run(stop: { stopped.load(ordering: .relaxed) })
        }
        defer { stopped.store(true, ordering: .relaxed) }
        func status() -> SyncStatus? {
            (try? Data(contentsOf: URL(fileURLWithPath: dir.file("status.json")))).flatMap { SyncStatus(json: Array($0)) }
        }
        func waitFor(_ condition: (SyncStatus) -> Bool) async -> Bool {
            for _ in 0..<500 {
                if let s = status(), condition(s) { return true }
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
            return false
        }
        #expect(await waitFor { $0.databaseUp && $0.counters.recordsStored == 1 })
        db.state.withLock { $0.down = true }
        #expect(await waitFor { !$0.databaseUp && $0.lastError == "database unavailable: connection reset by peer" })
        db.state.withLock { $0.down = false }
        #expect(await waitFor { $0.databaseUp })
        stopped.store(true, ordering: .relaxed)
        await task.value
        #expect(db.state.withLock { $0.pings } > 0)
    }

    /// The database found gone just after a write: held back by the rate limit, then written — not lost
    /// because nothing changed since the previous look.
    @Test func aChangeHeldBackByTheRateLimitIsWrittenLater() {
        var writes = StatusWrites(every: 10)
        var status = SyncStatus(board: "room-1", updatedAt: 1000)
        status.databaseUp = true
        #expect(writes.due(status, now: 1000))
        writes.wrote(status, at: 1000)
        #expect(!writes.due(status, now: 1020), "unchanged: not written again")
        status.databaseUp = false
        status.lastError = "database unavailable: connection refused"
        #expect(!writes.due(status, now: 1001), "changed, but written a second ago")
        #expect(writes.due(status, now: 1010), "the held-back change, once the limit allows")
        status.updatedAt = 1010
        writes.wrote(status, at: 1010)
        status.updatedAt = 1030
        #expect(!writes.due(status, now: 1030), "the time of writing is no change")
    }
}

extension Data {
    func append(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(self)
        try handle.close()
    }
}
