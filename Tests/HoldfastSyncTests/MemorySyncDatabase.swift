import HoldfastSession
import HoldfastSync
import Synchronization

/// A SyncDatabase in memory that behaves as PostgreSQL does where the engine
/// depends on it: a batch is all or nothing, a key already stored keeps its
/// first record, cursors only move forward. It can fail as a network does —
/// before the commit (nothing stored) or after it (stored, but the answer lost) —
/// and refuse records as a check constraint would.
final class MemorySyncDatabase: SyncDatabase {
    struct State {
        var records: [String: [Int: String]] = [:]
        var refused: [String: [Int: String]] = [:]
        var cursors: [String: SyncCursor] = [:]
        /// A record sent again with other text under a stored key: the engine mixed two files up.
        var conflicts: [String] = []
        var writes = 0
        var claims = 0
        /// Decides, per write, whether to fail before or after committing.
        var fault: (Int) -> Fault = { _ in .none }
        var refuses: (SyncRecord) -> Bool = { _ in false }
        var migrated = false
        /// The server is gone: pings and connections fail.
        var down = false
        var pings = 0
    }

    enum Fault { case none, beforeCommit, afterCommit }

    let state = Mutex(State())

    func migrate() async throws(SyncDatabaseError) -> [Int] {
        state.withLock { s in
            defer { s.migrated = true }
            return s.migrated ? [] : SyncSchema.migrations.map(\.version)
        }
    }

    func claim(board: String) async throws(SyncDatabaseError) { state.withLock { $0.claims += 1 } }

    func cursors(board: String) async throws(SyncDatabaseError) -> [String: SyncCursor] { state.withLock { $0.cursors } }

    func write(_ batch: SyncBatch, board: String, oneByOne: Bool) async throws(SyncDatabaseError) -> [SyncRefusal] {
        let result: Result<[SyncRefusal], SyncDatabaseError> = state.withLock { s in
            s.writes += 1
            let fault = s.fault(s.writes)
            if fault == .beforeCommit { return .failure(.unavailable("connection reset (before commit)")) }
            var refused: [SyncRefusal] = []
            for r in batch.records where s.refuses(r) {
                guard oneByOne else { return .failure(.refused("new row violates check constraint", sqlState: "23514")) }
                refused.append(SyncRefusal(file: r.file, number: r.number, reason: "check", sqlState: "23514"))
            }
            for r in batch.records where !refused.contains(where: { $0.file == r.file && $0.number == r.number }) {
                if let old = s.records[r.file]?[r.number] {
                    if old != r.text { s.conflicts.append("\(r.file):\(r.number)") }
                } else {
                    s.records[r.file, default: [:]][r.number] = r.text
                }
            }
            for r in batch.refusals + refused { s.refused[r.file, default: [:]][r.number] = r.reason }
            for (file, c) in batch.cursors {
                let old = s.cursors[file]
                s.cursors[file] = SyncCursor(
                    position: SessionPosition(offset: max(old?.position.offset ?? 0, c.position.offset),
                                              lines: max(old?.position.lines ?? 0, c.position.lines)),
                    header: old?.header ?? c.header)
            }
            if fault == .afterCommit { return .failure(.unavailable("connection reset (after commit)")) }
            return .success(refused)
        }
        return try result.get()
    }

    func ping() async throws(SyncDatabaseError) {
        let down = state.withLock { s in
            s.pings += 1
            return s.down
        }
        if down { throw .unavailable("connection reset by peer") }
    }

    func close() async {}
}
