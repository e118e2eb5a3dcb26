import Foundation
import HoldfastSync
import HoldfastTestSupport
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
}

extension Data {
    func append(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(self)
        try handle.close()
    }
}
