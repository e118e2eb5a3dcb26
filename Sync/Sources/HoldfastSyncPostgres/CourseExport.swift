import HoldfastPOSIX
import HoldfastSync
import PostgresNIO

/// A client's course of care as the database has it: every session of the
/// client, from every board, written back as session files
/// (`DIR/BOARD/FILE`, the stored lines in order, byte for byte as the board
/// wrote them). The report then reads them with the same reader as local
/// files, so a client seen in two rooms has one course, and a session read from
/// the database and from its own file give the same numbers.
extension PostgresSyncDatabase {
    public struct ExportedSession: Sendable, Equatable {
        public let board: String
        public let file: String
        public let records: Int
    }

    public func exportCourse(client: String, to directory: String) async throws(SyncDatabaseError) -> [ExportedSession] {
        var sessions: [ExportedSession] = []
        var writer: FileWriter?
        var current: (board: String, file: String, records: Int)?
        func finish() throws {
            try writer?.sync()
            try writer?.close()
            writer = nil
            if let c = current { sessions.append(ExportedSession(board: c.board, file: c.file, records: c.records)) }
            current = nil
        }
        do {
            let rows = try await connection.query("""
                SELECT r.board, r.file, r.raw FROM records r
                JOIN sessions s ON s.board = r.board AND s.file = r.file
                WHERE s.client = \(client)
                ORDER BY s.started NULLS LAST, r.board, r.file, r.n
                """, logger: logger)
            for try await (board, file, raw) in rows.decode((String, String, String).self) {
                if current?.board != board || current?.file != file {
                    try finish()
                    // Names come from the database: only a plain board name and file name may become a path.
                    _ = try SyncKeys.boardName(board)
                    guard file.hasSuffix(".jsonl"), !file.contains("/"), !file.hasPrefix(".") else {
                        throw SyncDatabaseError.failed("the database names a session file \"\(file)\": not a file name")
                    }
                    let boardDirectory = directory + "/" + board
                    try makeDirectoryIfMissing(boardDirectory)
                    writer = try FileWriter(creating: boardDirectory + "/" + file, mode: 0o640)
                    current = (board, file, 0)
                }
                try writer?.write(Array(raw.utf8) + [UInt8(ascii: "\n")])
                current?.records += 1
            }
            try finish()
        } catch let error as SyncValueError {
            throw .failed("the database names a board \(error.reason)")
        } catch let error as SystemError {
            throw .failed(error.description)
        } catch {
            throw Self.mapped(error)
        }
        return sessions
    }
}
