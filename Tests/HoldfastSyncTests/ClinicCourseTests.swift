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

    /// The local file (this board's) wins over its database copy; another board's session is
    /// another session, even under the same name with the same header (two boards started alike in one second).
    @Test func eachSessionOnceLocalFirst() throws {
        let dir = try ScratchDirectory()
        let name = "20261130T090000Z-jd42.jsonl"
        let header = #"{"type":"session","format":1,"source":{"kind":"sensor","sensor":"nau7802","client":"jd42"}}"#
        let replaced = #"{"type":"session","format":1,"source":{"kind":"sensor","sensor":"ads1115","client":"jd42"}}"#
        let local = try dir.write(name, header + "\n" + SyncEngineTests.hold(1) + "\n" + SyncEngineTests.hold(2) + "\n")
        let onlyLocal = try dir.write("20261201T090000Z-jd42.jsonl", header + "\n")
        let copies = try ClinicCourse.write([
            StoredSession(board: "room-1", file: name, records: [(1, header), (2, SyncEngineTests.hold(1))]),
            StoredSession(board: "room-2", file: name, records: [(1, header)]),
            StoredSession(board: "room-2", file: "20261129T090000Z-jd42.jsonl", records: [(1, header)]),
            StoredSession(board: "room-1", file: "20261201T090000Z-jd42.jsonl", records: [(1, replaced)]),
        ], to: dir.file("course"))
        #expect(ClinicCourse.paths(local: [local, onlyLocal], fromDatabase: copies, board: "room-1")
                == [local, onlyLocal, copies[1], copies[2], copies[3]])
        #expect(ClinicCourse.paths(local: [local, onlyLocal], fromDatabase: copies, board: "room-9")
                == [local, onlyLocal] + copies, "files of a board the database does not know: nothing is a copy of them")
        #expect(ClinicCourse.paths(local: [], fromDatabase: copies, board: "room-1") == copies)
    }

    /// `holdfast report --database` runs holdfast-sync export into a private directory and reads what it wrote;
    /// here a stand-in that records its arguments and writes what the real one would.
    @Test func fetchRunsTheExportAndListsWhatItWrote() throws {
        let dir = try ScratchDirectory()
        let script = try dir.write("holdfast-sync", """
            #!/bin/sh
            echo "$@" > \(dir.file("arguments"))
            [ "$6" = "--to" ] || exit 64
            mkdir -p "$7/room-3" "$7/room-1"
            echo '{"type":"session"}' > "$7/room-3/20261130T090000Z-jd42.jsonl"
            echo '{"type":"session"}' > "$7/room-1/20261129T090000Z-jd42.jsonl"
            """)
        chmod(script, 0o755)
        let paths = try ClinicCourse.fetch(client: "jd42", configuration: "/etc/holdfast/sync.conf", syncExecutable: script,
                                           into: dir.file("course"))
        #expect(try String(contentsOfFile: dir.file("arguments"), encoding: .utf8)
                == "export --config /etc/holdfast/sync.conf --client jd42 --to \(dir.file("course"))\n")
        #expect(paths == [dir.file("course/room-1/20261129T090000Z-jd42.jsonl"), dir.file("course/room-3/20261130T090000Z-jd42.jsonl")])
    }

    @Test func aFailedExportIsAnErrorNotAnEmptyCourse() throws {
        let dir = try ScratchDirectory()
        let script = try dir.write("holdfast-sync", "#!/bin/sh\necho 'holdfast-sync: database unavailable' >&2\nexit 1\n")
        chmod(script, 0o755)
        do {
            _ = try ClinicCourse.fetch(client: "jd42", configuration: "sync.conf", syncExecutable: script, into: dir.file("course"))
            Issue.record("a failed export gave a course")
        } catch {
            #expect(error.description == "holdfast-sync export failed (exit status 1)")
        }
        #expect(throws: ClinicCourse.Unfetchable.self) {
            try ClinicCourse.fetch(client: "jd42", configuration: "sync.conf", syncExecutable: dir.file("missing"),
                                   into: dir.file("course"))
        }
    }
}
