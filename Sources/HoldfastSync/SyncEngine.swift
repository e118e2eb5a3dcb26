import HoldfastPOSIX
import HoldfastSession

/// Copies every record of a board's session files into the database, each
/// exactly once, without ever writing to the files.
///
/// **Exactly once.** A record's key is (board, file, line number). Records and
/// the files' cursors go into the database in the same transaction, so the
/// database always knows how far each file is stored; after a restart, a
/// crash, a broken connection or a database restart the engine reads the
/// cursors again and goes on from there. A record written twice (a commit whose
/// answer was lost) meets its own key and is left as it is.
///
/// **Nothing blocks the rest.** A record the database refuses is written to its
/// list of refusals with the reason, logged and counted, and the batch goes in
/// without it; a file that cannot be a session file (no header, replaced,
/// truncated) is reported once and left alone; the other files go on.
public struct SyncEngine {
    public let board: String
    public let directory: String
    public let batchRecords: Int
    /// Bytes of records per transaction, at most (plus one line).
    public let batchBytes: Int

    /// Every file's cursor as the database last confirmed it.
    public private(set) var cursors: [String: SyncCursor] = [:]
    /// Files left alone, and why: each reported once, until the sync restarts.
    public private(set) var fileProblems: [String: String] = [:]
    public private(set) var counters = SyncCounters()
    /// When every record then in the files was last in the database (wall clock, seconds since 1970).
    public var caughtUpAt: Double?
    /// Called after each commit (the benchmark times records with it).
    public var onCommit: (@Sendable (SyncBatch, _ committedAt: Double) -> Void)?
    public var log: @Sendable (String) -> Void

    /// Files whose first line was compared with the stored header since the cursors were last read.
    private var verified: Set<String> = []

    public init(board: String, directory: String, batchRecords: Int = 1000, batchBytes: Int = 4 << 20,
                counters: SyncCounters = SyncCounters(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.board = board
        self.directory = directory
        self.batchRecords = max(1, batchRecords)
        self.batchBytes = max(1, batchBytes)
        self.counters = counters
        self.log = log
    }

    /// After (re)connecting: claims the board and reads where each file stands.
    public mutating func attach(to db: any SyncDatabase) async throws(SyncDatabaseError) {
        try await db.claim(board: board)
        cursors = try await db.cursors(board: board)
        verified = []
    }

    public struct PassResult: Sendable, Equatable {
        /// Lines stored or refused in this pass.
        public var lines = 0
        public var transactions = 0
        /// The state directory could not be listed.
        public var directoryError: String?
    }

    /// One pass: every file from its cursor to its end, in transactions of at
    /// most `batchRecords` lines. Throws only for the database; whatever was
    /// committed before the error stays committed.
    public mutating func pass(_ db: any SyncDatabase, now: () -> Double = wallClockSeconds) async throws(SyncDatabaseError) -> PassResult {
        let started = now()
        var result = PassResult()
        let files: [BoardDirectory.Entry]
        do { files = try BoardDirectory.sessionFiles(in: directory) } catch {
            result.directoryError = error.description
            return result
        }
        counters.files = files.count
        var batch = SyncBatch()
        var batchBytesSoFar = 0
        for entry in files where fileProblems[entry.name] == nil {
            var cursor = batch.cursors[entry.name] ?? cursors[entry.name] ?? SyncCursor(position: .start, header: nil)
            guard entry.size != cursor.position.offset else { continue }
            let path = directory + "/" + entry.name
            guard verify(entry.name, path: path, cursor: cursor) else { continue }
            reading: while true {
                let chunk: SessionTail.Chunk
                do {
                    chunk = try SessionTail.read(path: path, from: cursor.position, maxLines: batchRecords - batch.lineCount,
                                                 maxBytes: batchBytes - batchBytesSoFar)
                } catch {
                    problem(entry.name, error.reason)
                    break reading
                }
                for line in chunk.lines {
                    let type = line.recordType
                    if cursor.header == nil {
                        guard type == "session" else {
                            problem(entry.name, "line \(line.number) is not a session header: not a session file")
                            batch.records.removeAll { $0.file == entry.name }
                            batch.refusals.removeAll { $0.file == entry.name }
                            batch.cursors[entry.name] = nil
                            break reading
                        }
                        cursor.header = String(decoding: line.bytes, as: UTF8.self)
                    }
                    if let type {
                        batch.records.append(SyncRecord(file: entry.name, number: line.number, type: type,
                                                        text: String(decoding: line.bytes, as: UTF8.self)))
                    } else {
                        batch.refusals.append(SyncRefusal(file: entry.name, number: line.number,
                                                          reason: "not a session record (not a JSON object with a type)"))
                    }
                    batchBytesSoFar += line.bytes.count + 1
                }
                if chunk.position != cursor.position {
                    cursor.position = chunk.position
                    batch.cursors[entry.name] = cursor
                }
                if batch.lineCount >= batchRecords || batchBytesSoFar >= batchBytes {
                    result.lines += try await commit(batch, db, now: now)
                    result.transactions += 1
                    batch = SyncBatch()
                    batchBytesSoFar = 0
                }
                if chunk.reachedEnd { break }
            }
        }
        if !batch.isEmpty {
            result.lines += try await commit(batch, db, now: now)
            result.transactions += 1
        }
        // Everything that was in the files when the pass began is in the database now.
        caughtUpAt = started
        return result
    }

    /// Writes one batch: whole, or if the database refuses a record in it, record by record.
    private mutating func commit(_ batch: SyncBatch, _ db: any SyncDatabase, now: () -> Double) async throws(SyncDatabaseError) -> Int {
        var refused: [SyncRefusal]
        do {
            refused = try await db.write(batch, board: board, oneByOne: false)
        } catch {
            guard case .refused = error else { throw error }
            refused = try await db.write(batch, board: board, oneByOne: true)
        }
        for (file, cursor) in batch.cursors { cursors[file] = cursor }
        for r in batch.refusals + refused {
            log("\(directory)/\(r.file):\(r.number): refused, skipped: \(r.reason)")
        }
        counters.recordsStored += batch.records.count - refused.count
        counters.recordsRefused += batch.refusals.count + refused.count
        counters.transactions += 1
        onCommit?(batch, now())
        return batch.lineCount
    }

    /// A file already partly stored must still be the same file: its first line is the stored header.
    private mutating func verify(_ name: String, path: String, cursor: SyncCursor) -> Bool {
        guard let stored = cursor.header, !verified.contains(name) else { return true }
        do {
            let first = try SessionTail.read(path: path, from: .start, maxLines: 1, maxBytes: 1)
            guard let line = first.lines.first, String(decoding: line.bytes, as: UTF8.self) == stored else {
                problem(name, "its first line differs from the header already stored: replaced by another file "
                        + "(session files are never rewritten); left alone")
                return false
            }
        } catch {
            problem(name, error.reason)
            return false
        }
        verified.insert(name)
        return true
    }

    private mutating func problem(_ file: String, _ reason: String) {
        fileProblems[file] = reason
        counters.filesRefused = fileProblems.count
        log("\(directory)/\(file): \(reason)")
    }

    /// Complete records in the files that are not in the database yet (by the
    /// cursors last confirmed), and the oldest change among their files.
    public func lag() -> (records: Int, oldestChange: Double?) {
        guard let files = try? BoardDirectory.sessionFiles(in: directory) else { return (0, nil) }
        var records = 0
        var oldest: Double?
        for entry in files where fileProblems[entry.name] == nil {
            let position = cursors[entry.name]?.position ?? .start
            guard entry.size > position.offset else { continue }
            let path = directory + "/" + entry.name
            let n = (try? SessionTail.linesAfter(path: path, position: position)) ?? 0
            guard n > 0 else { continue }
            records += n
            if let m = modificationTime(path) { oldest = min(oldest ?? m, m) }
        }
        return (records, oldest)
    }
}

/// What the sync has done, kept across restarts through the status file.
public struct SyncCounters: Sendable, Equatable {
    public var recordsStored = 0
    public var recordsRefused = 0
    public var transactions = 0
    /// Session files in the state directory, and those left alone.
    public var files = 0
    public var filesRefused = 0

    public init() {}
}

func modificationTime(_ path: String) -> Double? {
    guard case .success(let info) = fileStatus(path) else { return nil }
    return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
}
