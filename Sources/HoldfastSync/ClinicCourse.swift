import HoldfastCore
import HoldfastPOSIX
import HoldfastSession

/// One session as the clinic's database holds it: the board it came from, its
/// file name there, and its stored lines in order, byte for byte as the board
/// wrote them (a line the database refused is not among them; its number is
/// missing, the way `sync_refused` lists it).
public struct StoredSession: Sendable, Equatable {
    public let board: String
    public let file: String
    /// Each stored record: its number (the line in the board's file) and its text.
    public var records: [(number: Int, text: String)]

    public init(board: String, file: String, records: [(number: Int, text: String)] = []) {
        self.board = board
        self.file = file
        self.records = records
    }

    /// The session header, which tells this session from another of the same name.
    public var header: String? { records.first { $0.number == 1 }?.text }

    public static func == (a: StoredSession, b: StoredSession) -> Bool {
        a.board == b.board && a.file == b.file && a.records.elementsEqual(b.records) { $0 == $1 }
    }
}

/// A client's course across the clinic, for `holdfast report`: the sessions
/// the database holds, written back as session files, so the report reads them
/// with the same reader, into the same per-session data, as local files — and
/// a session present both locally and in the database counted once.
public enum ClinicCourse {
    /// Why a stored session cannot be written back.
    public struct Unwritable: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Writes each session to `directory/BOARD/FILE` (the directory, made if
    /// missing, should be new and private) and returns the paths, in the order given. Names come
    /// from the database: only a valid board name and a plain `*.jsonl` file
    /// name may become a path.
    public static func write(_ sessions: [StoredSession], to directory: String) throws(Unwritable) -> [String] {
        do { try makeDirectoryIfMissing(directory) } catch { throw Unwritable(description: error.description) }
        var paths: [String] = []
        for session in sessions {
            do { _ = try SyncKeys.boardName(session.board) } catch {
                throw Unwritable(description: "the database names a board \(error.reason)")
            }
            let file = session.file
            guard file.hasSuffix(".jsonl"), !file.contains("/"), !file.hasPrefix("."), !file.utf8.contains(0) else {
                throw Unwritable(description: "the database names a session file \"\(TerminalText.escaped(file, limit: 100))\": not a file name")
            }
            let boardDirectory = directory + "/" + session.board
            let path = boardDirectory + "/" + file
            do {
                try makeDirectoryIfMissing(boardDirectory)
                var bytes: [UInt8] = []
                for record in session.records { bytes += Array(record.text.utf8) + [UInt8(ascii: "\n")] }
                try writeFileAtomically(bytes, to: path, mode: 0o640)
            } catch {
                throw Unwritable(description: error.description)
            }
            paths.append(path)
        }
        return paths
    }

    /// The files the report reads: every local file, and each database copy
    /// (`…/BOARD/FILE`, as ``write(_:to:)`` and ``fetch(client:configuration:syncExecutable:into:)``
    /// lay them out) that is not one of them. The local files are `board`'s own
    /// (the board named in the sync's configuration), so a copy is one of them
    /// when it comes from `board` and a local file has its name and its header
    /// line; the local one is kept (files only grow, so it holds everything
    /// synced, and the lines the database refused as well). Another board's
    /// session is never taken for a local one, even under the same name.
    public static func paths(local: [String], fromDatabase: [String], board: String) -> [String] {
        var localSessions = Set<String>()
        for path in local {
            if let header = firstLine(path) { localSessions.insert(baseName(path) + "\n" + header) }
        }
        return local + fromDatabase.filter { path in
            guard boardOf(path) == board, let header = firstLine(path) else { return true }
            return !localSessions.contains(baseName(path) + "\n" + header)
        }
    }

    /// The board of a copy at `…/BOARD/FILE`: its directory's name.
    static func boardOf(_ path: String) -> String {
        baseName(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
    }

    /// Why the database's sessions could not be fetched.
    public struct Unfetchable: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The client's sessions from every board, fetched from the database by
    /// `holdfast-sync export` (the one program that speaks to PostgreSQL; a
    /// program built with Debian's Swift cannot link postgres-nio) into
    /// `directory` (new and private), and their paths, for the report's reader.
    /// The export's own messages (the database unreachable, a wrong password)
    /// reach standard error as it prints them.
    public static func fetch(client: String, configuration: String, syncExecutable: String,
                             into directory: String) throws(Unfetchable) -> [String] {
        let export: ChildProcess
        do {
            export = try ChildProcess(path: syncExecutable, arguments: ["export", "--config", configuration, "--client", client,
                                                                        "--to", directory], keepStandardError: true)
        } catch {
            throw Unfetchable(description: "cannot run holdfast-sync: \(error)")
        }
        let status = export.waitForExit()
        guard status == 0 else {
            throw Unfetchable(description: "holdfast-sync export " + (status.map { "failed (exit status \($0))" } ?? "ended unseen"))
        }
        var paths: [String] = []
        do {
            for board in try directoryEntries(directory).sorted() {
                let boardDirectory = directory + "/" + board
                paths += try directoryEntries(boardDirectory).sorted().filter { $0.hasSuffix(".jsonl") }.map { boardDirectory + "/" + $0 }
            }
        } catch {
            throw Unfetchable(description: "the exported sessions: \(error)")
        }
        return paths
    }

    static func baseName(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// A file's first complete line, or nil if it has none or cannot be read.
    static func firstLine(_ path: String) -> String? {
        guard let chunk = try? SessionTail.read(path: path, from: .start, maxLines: 1), let line = chunk.lines.first,
              line.number == 1 else { return nil }
        return String(decoding: line.bytes, as: UTF8.self)
    }
}
