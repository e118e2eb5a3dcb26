import Foundation
import HoldfastCore
import HoldfastSession
import HoldfastSync
import HoldfastTestSupport
import Testing

/// A client's course from the database: what the sync stored, written back as
/// session files, must read as the board's own files do, and a session found
/// both locally and in the database must count once.
@Suite("Clinic course")
struct ClinicCourseTests {
    /// What the file reader makes of a session: the numbers the report builds on.
    struct Reading: Equatable {
        var client: String?
        var started: String?
        var holds: [String] = []
        var points: PointTable
        var complete: Bool
        var gaps: Int
        var alarms: Int

        init(_ path: String) throws {
            var holds: [String] = []
            let file = try SessionFile(path: path, onHold: { holds.append("\($0)") })
            self.holds = holds
            client = file.client
            started = file.started
            points = file.points
            complete = file.complete
            gaps = file.gapCount
            alarms = file.alarms
        }
    }

    /// Golden sessions through the engine into the database (in memory), then back out: the same bytes, the same reading.
    @Test func storedSessionsWrittenBackReadAsTheOriginals() async throws {
        let dir = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("board"), withIntermediateDirectories: false)
        let names = ["nimmo-series", "over-pressure", "demo-session"]
        for name in names {
            try FileManager.default.copyItem(atPath: SyncSettingsTests.root + "/Simulator/golden/\(name).session.jsonl",
                                             toPath: dir.file("board/\(name).jsonl"))
        }
        let db = MemorySyncDatabase()
        var engine = SyncEngine(board: "room-2", directory: dir.file("board"), batchRecords: 7)
        try await engine.attach(to: db)
        _ = try await engine.pass(db)
        let stored = db.state.withLock { s in
            s.records.keys.sorted().map { file in
                StoredSession(board: "room-2", file: file, records: s.records[file]!.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            }
        }
        #expect(stored.count == names.count)
        let paths = try ClinicCourse.write(stored, to: dir.file("course"))
        #expect(paths == stored.map { dir.file("course/room-2/\($0.file)") })
        for (path, session) in zip(paths, stored) {
            let original = dir.file("board/\(session.file)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: original)), "\(session.file)")
            let copy = try Reading(path), own = try Reading(original)
            #expect(copy == own, "\(session.file)")
            #expect(!own.holds.isEmpty && own.complete)
        }
    }

    /// A line the database refused is not in the copy; the reader still reads the rest.
    @Test func aRefusedLineIsMissingFromTheCopyAndTheRestReads() throws {
        let dir = try ScratchDirectory()
        let session = StoredSession(board: "room-1", file: "20261130T090000Z-jd42.jsonl", records: [
            (1, SyncEngineTests.header("jd42")), (2, SyncEngineTests.hold(1)), (4, SyncEngineTests.hold(2)),
        ])
        let path = try #require(try ClinicCourse.write([session], to: dir.path).first)
        #expect(try String(contentsOfFile: path, encoding: .utf8)
                == [SyncEngineTests.header("jd42"), SyncEngineTests.hold(1), SyncEngineTests.hold(2)].joined(separator: "\n") + "\n")
        let reading = try Reading(path)
        #expect(reading.client == "jd42" && reading.holds.count == 2 && !reading.complete)
    }

    /// Names come from the database: nothing but a board's directory and a plain session file name.
    @Test(arguments: [("..", "a.jsonl"), (".x", "a.jsonl"), ("room 1", "a.jsonl"), ("room-1", "../a.jsonl"),
                      ("room-1", ".a.jsonl"), ("room-1", "a.csv"), ("room-1", "a/b.jsonl")])
    func namesThatAreNotPlainAreRefused(board: String, file: String) throws {
        let dir = try ScratchDirectory()
        #expect(throws: ClinicCourse.Unwritable.self) {
            try ClinicCourse.write([StoredSession(board: board, file: file, records: [(1, SyncEngineTests.header("x"))])],
                                   to: dir.file("course"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { $0 == "course" })
        #expect(!fileExists(dir.file("a.jsonl")))
    }

    /// The local file wins over its database copy; another board's session of the same name is another session.
    @Test func eachSessionOnceLocalFirst() throws {
        let dir = try ScratchDirectory()
        let name = "20261130T090000Z-jd42.jsonl"
        let here = #"{"type":"session","format":1,"source":{"kind":"sensor","sensor":"room 1","client":"jd42"}}"#
        let there = #"{"type":"session","format":1,"source":{"kind":"sensor","sensor":"room 2","client":"jd42"}}"#
        let local = try dir.write(name, here + "\n" + SyncEngineTests.hold(1) + "\n" + SyncEngineTests.hold(2) + "\n")
        let onlyLocal = try dir.write("20261201T090000Z-jd42.jsonl", here + "\n")
        let copies = try ClinicCourse.write([
            StoredSession(board: "room-1", file: name, records: [(1, here), (2, SyncEngineTests.hold(1))]),
            StoredSession(board: "room-2", file: name, records: [(1, there)]),
            StoredSession(board: "room-2", file: "20261129T090000Z-jd42.jsonl", records: [(1, there)]),
        ], to: dir.file("course"))
        #expect(ClinicCourse.paths(local: [local, onlyLocal], fromDatabase: copies) == [local, onlyLocal, copies[1], copies[2]])
        #expect(ClinicCourse.paths(local: [], fromDatabase: copies) == copies)
    }
}
