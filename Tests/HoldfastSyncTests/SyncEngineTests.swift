import Foundation
import HoldfastSession
import HoldfastSync
import HoldfastTestSupport
import Synchronization
import Testing

/// The engine against a database in memory that fails as a network does: every
/// record of every file must arrive once, whatever breaks and whenever.
@Suite("Sync engine")
struct SyncEngineTests {
    static func header(_ client: String) -> String {
        #"{"type":"session","format":1,"source":{"kind":"sensor","started":"2026-11-29T10:00:00Z","client":"\#(client)"}}"#
    }
    static func hold(_ n: Int, level: Double = 6.5) -> String {
        #"{"type":"hold","n":\#(n),"point":"A","start_s":\#(n * 10).000,"end_s":\#(n * 10 + 5).000,"hold_s":5.000,"mean_n":30.000,"peak_n":35.000,"mean_level":\#(level),"peak_level":7.00,"target_s":4.000,"over_s":0.000,"regrips":0}"#
    }

    func append(_ path: String, _ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    /// The complete, non-blank lines of each file: what the database must end up holding.
    func expected(_ dir: ScratchDirectory, _ names: [String]) throws -> [String: [Int: String]] {
        var result: [String: [Int: String]] = [:]
        for name in names {
            let chunk = try SessionTail.read(path: dir.file(name), from: .start)
            result[name] = Dictionary(uniqueKeysWithValues: chunk.lines.map { ($0.number, String(decoding: $0.bytes, as: UTF8.self)) })
        }
        return result
    }

    /// Three files growing while the sync runs, a torn last line completed later, batches of a few
    /// records, and the connection failing before or after commits at random: after each failure the
    /// engine reconnects and reads the cursors again. Nothing may be missing, doubled or mixed up.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyRecordOnceThroughRandomFailures(seed: UInt64) async throws {
        var random = SeededRandom(fallback: seed)
        let dir = try ScratchDirectory()
        let db = MemorySyncDatabase()
        let faultSeed = random.next()
        db.state.withLock { s in
            var r = SeededRandom(fallback: faultSeed)
            s.fault = { _ in
                let x = r.unit()
                return x < 0.15 ? .beforeCommit : x < 0.3 ? .afterCommit : .none
            }
        }
        let names = ["20261129T100000Z-a.jsonl", "20261129T110000Z-b.jsonl", "20261129T120000Z-c.jsonl"]
        var written = [0, 0, 0]
        var torn: [Int: String] = [:]
        var engine = SyncEngine(board: "room-1", directory: dir.path, batchRecords: Int.random(in: 1...7, using: &random))
        try await engine.attach(to: db)
        for round in 0..<60 {
            // The daemon writes: whole records, sometimes the first half of one (finished next round).
            for f in 0..<3 where random.unit() < 0.6 {
                let path = dir.file(names[f])
                if let rest = torn[f] { try append(path, rest); torn[f] = nil }
                for _ in 0..<Int.random(in: 0...4, using: &random) {
                    written[f] += 1
                    try append(path, (written[f] == 1 ? Self.header("c\(f)") : Self.hold(written[f] - 1)) + "\n")
                }
                if written[f] > 0, random.unit() < 0.3 {
                    written[f] += 1
                    let line = Self.hold(written[f] - 1) + "\n"
                    let cut = line.index(line.startIndex, offsetBy: Int.random(in: 1...line.count - 2, using: &random))
                    try append(path, String(line[..<cut]))
                    torn[f] = String(line[cut...])
                }
            }
            do {
                _ = try await engine.pass(db)
            } catch {
                guard case .unavailable = error else { throw error }
                try await engine.attach(to: db)  // reconnected: the cursors say where to go on
            }
            if round == 59 { db.state.withLock { $0.fault = { _ in .none } } }
        }
        for (f, rest) in torn { try append(dir.file(names[f]), rest) }
        _ = try await engine.pass(db)
        let want = try expected(dir, names)
        db.state.withLock { s in
            #expect(s.conflicts.isEmpty, "\(random.replay)")
            #expect(s.refused.isEmpty, "\(random.replay)")
            for name in names {
                #expect(s.records[name] == want[name], "\(name): \(random.replay)")
            }
        }
        #expect(want.values.map(\.count).reduce(0, +) > 100, "the test wrote too little to mean anything: \(random.replay)")
        #expect(engine.lag().records == 0)
    }

    @Test func aRecordTheDatabaseRefusesIsSkippedCountedAndListed() async throws {
        let dir = try ScratchDirectory()
        let lines = [Self.header("jd42"), Self.hold(1), Self.hold(2, level: 42), Self.hold(3), "not json at all", Self.hold(4)]
        try dir.write("s.jsonl", lines.joined(separator: "\n") + "\n")
        let db = MemorySyncDatabase()
        db.state.withLock { $0.refuses = { $0.text.contains("\"mean_level\":42") } }
        let log = LogLines()
        var engine = SyncEngine(board: "room-1", directory: dir.path, batchRecords: 100, log: { log.add($0) })
        try await engine.attach(to: db)
        let result = try await engine.pass(db)
        #expect(result.lines == 6)
        #expect(engine.counters.recordsStored == 4 && engine.counters.recordsRefused == 2)
        db.state.withLock { s in
            #expect(s.records["s.jsonl"].map { $0.keys.sorted() } == [1, 2, 4, 6])
            #expect(s.refused["s.jsonl"]?.keys.sorted() == [3, 5])
            #expect(s.refused["s.jsonl"]?[5]?.contains("not a session record") == true)
            #expect(s.cursors["s.jsonl"]?.position.lines == 6)
        }
        #expect(log.lines.contains { $0.hasSuffix("s.jsonl:3: refused, skipped: check") })
        #expect(log.lines.contains { $0.contains("s.jsonl:5: refused, skipped: not a session record") })
        // A second pass sends nothing again.
        #expect(try await engine.pass(db).lines == 0)
    }

    @Test func filesThatCannotBeSessionsAreLeftAloneAndTheOthersGoOn() async throws {
        let dir = try ScratchDirectory()
        try dir.write("a.jsonl", Self.hold(1) + "\n" + Self.hold(2) + "\n")          // no header
        try dir.write("b.jsonl", Self.header("jd42") + "\n" + Self.hold(1) + "\n")
        try dir.write("c.jsonl", Self.header("xy") + "\n" + Self.hold(1) + "\n")
        try dir.write("c.jsonl.partial", Self.header("zz") + "\n")                    // not finished: not a session yet
        try dir.write(".holdfast-reserve", String(repeating: "\0", count: 64))
        let db = MemorySyncDatabase()
        let log = LogLines()
        var engine = SyncEngine(board: "room-1", directory: dir.path, log: { log.add($0) })
        try await engine.attach(to: db)
        _ = try await engine.pass(db)
        #expect(engine.fileProblems["a.jsonl"]?.contains("not a session header") == true)
        #expect(engine.counters.files == 3 && engine.counters.filesRefused == 1)
        db.state.withLock { s in
            #expect(s.records.keys.sorted() == ["b.jsonl", "c.jsonl"])
            #expect(s.records["b.jsonl"]?.count == 2)
        }
        // c.jsonl is replaced by another file under the same name; b.jsonl is truncated.
        try dir.write("c.jsonl", Self.header("other") + "\n" + Self.hold(1) + "\n" + Self.hold(2) + "\n")
        try dir.write("b.jsonl", Self.header("jd42") + "\n")
        var restarted = SyncEngine(board: "room-1", directory: dir.path, log: { log.add($0) })
        try await restarted.attach(to: db)
        _ = try await restarted.pass(db)
        #expect(restarted.fileProblems["c.jsonl"]?.contains("replaced") == true)
        #expect(restarted.fileProblems["b.jsonl"]?.contains("truncated") == true)
        db.state.withLock { s in
            #expect(s.records["c.jsonl"]?.count == 2, "nothing of the other file was merged in")
            #expect(s.conflicts.isEmpty)
        }
    }

    @Test func lagCountsCompleteRecordsNotYetStored() async throws {
        let dir = try ScratchDirectory()
        try dir.write("s.jsonl", Self.header("jd42") + "\n" + Self.hold(1) + "\n")
        let db = MemorySyncDatabase()
        var engine = SyncEngine(board: "room-1", directory: dir.path)
        try await engine.attach(to: db)
        #expect(engine.lag().records == 2)
        _ = try await engine.pass(db)
        #expect(engine.lag().records == 0)
        try append(dir.file("s.jsonl"), Self.hold(2) + "\n" + Self.hold(3) + "\n" + #"{"type":"ho"#)
        let lag = engine.lag()
        #expect(lag.records == 2, "the torn line is not a record yet")
        #expect(lag.oldestChange != nil)
    }
}

/// Log lines collected from the engine's @Sendable log.
final class LogLines: Sendable {
    private let store = Mutex<[String]>([])
    func add(_ line: String) { store.withLock { $0.append(line) } }
    var lines: [String] { store.withLock { $0 } }
}
