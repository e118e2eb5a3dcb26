import HoldfastSync
import PostgresNIO

/// A client's course of care as the database has it: every session of the
/// client, from every board, with its stored lines in order. Written back as
/// session files (``ClinicCourse/write(_:to:)``), they are read by the report
/// with the same reader, into the same per-session data, as local files: a
/// client seen in two rooms has one course.
extension PostgresSyncDatabase {
    /// Every session of `client`, oldest first (by the header's start; then board and file), each with its
    /// stored records in order. One query; the rows stream in, a session at a time.
    public func storedSessions(client: String) async throws(SyncDatabaseError) -> [StoredSession] {
        var sessions: [StoredSession] = []
        do {
            let rows = try await connection.query("""
                SELECT r.board, r.file, r.n, r.raw FROM records r
                JOIN sessions s ON s.board = r.board AND s.file = r.file
                WHERE s.client = \(client)
                ORDER BY s.started NULLS LAST, r.board, r.file, r.n
                """, logger: logger)
            for try await (board, file, n, raw) in rows.decode((String, String, Int, String).self) {
                if sessions.last?.board != board || sessions.last?.file != file {
                    sessions.append(StoredSession(board: board, file: file))
                }
                sessions[sessions.count - 1].records.append((n, raw))
            }
        } catch {
            throw Self.mapped(error)
        }
        return sessions
    }
}
