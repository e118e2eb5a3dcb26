import CLinux
import HoldfastPOSIX
import Synchronization

/// Session files written on a thread of their own, so that the event loop —
/// which drives the alarm output and talks to clients — never waits for the
/// disk (an SD card's fsync can take hundreds of milliseconds).
///
/// The event loop hands over records in order (`open`, `append`, `close`);
/// the writer thread creates each file, appends, and syncs once per batch.
/// When the disk is full or the directory cannot be written, records stay
/// queued in memory, the fault is published for the live view, and the
/// thread tries again every second: nothing is dropped or reordered, and
/// writes resume at the exact byte where they stopped. A new session does
/// not abandon the old one's queue; `finish` gives the thread a deadline to
/// drain, then keeps what is left in the ``SpillReserve`` for the next start.
final class RecordWriter {
    /// A session file, as the event loop knows it.
    struct FileID: Hashable, Sendable {
        let raw: Int
    }

    /// What the live view shows about recording.
    struct Status: Sendable, Equatable {
        /// The first problem, naming the file and the reason; nil when all is written.
        var fault: String?
        /// Records handed over and not yet on stable storage.
        var waiting = 0
        /// The file each session ended up in (a name taken meanwhile gets a suffix).
        var paths: [FileID: String] = [:]
        /// Records of each open file on stable storage, counted from its first.
        var durable: [FileID: Int] = [:]
        /// The newest file the writer has taken on (files are numbered in order): an older one
        /// that is no longer listed is closed with everything written.
        var newestFile = 0
    }

    /// A record handed over: the `index`-th (from 1) of its file.
    struct Ticket: Sendable, Equatable {
        let file: FileID
        let index: Int
    }

    /// How `finish` ended.
    struct Outcome: Sendable, Equatable {
        /// Records written by the deadline: all of them, or not.
        var complete: Bool
        /// Files whose tail went to the reserve for the next start.
        var spilled: [String]
        /// Tails that could not be kept anywhere: they are in the log, and lost to the files.
        var lost: [SpillReserve.Entry]
    }

    private let shared: Shared
    private var thread: JoinableThread<Void>?
    private var nextID = 1
    private var appended: [FileID: Int] = [:]
    /// Readable when the writer has made records durable (or failed to): the event loop polls it.
    var progressFD: Int32 { shared.progressFD }

    /// Starts the writer thread; `directory` holds the sessions and the reserve.
    init(directory: String, calls: LogFileCalls = SystemLogFileCalls(), log: Log) throws(SystemError) {
        let shared = try Shared()
        self.shared = shared
        // The reserve is allocated before the daemon goes live, on this thread: allocated by the
        // writer thread it could come after the disk had filled (a loaded board, a nearly full card),
        // and a full disk at exit would then lose records instead of keeping them.
        let loop = WriterLoop(shared: shared, directory: directory, calls: calls, log: log)
        loop.openReserve()
        thread = try JoinableThread(name: "records") { loop.run() }
    }

    /// Starts a new file at `path` (created by the writer; a taken name gets a suffix).
    func open(_ path: String) -> FileID {
        let id = FileID(raw: nextID)
        nextID += 1
        shared.send(.open(id, path))
        return id
    }

    @discardableResult
    func append(_ id: FileID, _ line: [UInt8]) -> Ticket {
        let index = (appended[id] ?? 0) + 1
        appended[id] = index
        shared.send(.append(id, line))
        return Ticket(file: id, index: index)
    }

    /// Closes the file once everything before is written.
    func close(_ id: FileID) {
        appended[id] = nil
        shared.send(.close(id))
    }

    var status: Status { shared.status.withLock { $0 } }

    /// Whether the record is on stable storage; a file already closed is.
    func isDurable(_ ticket: Ticket, in status: Status) -> Bool {
        guard let durable = status.durable[ticket.file] else { return ticket.file.raw <= status.newestFile }
        return durable >= ticket.index
    }

    /// Clears the progress notification (call when `progressFD` is readable).
    func acknowledgeProgress() {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { read(shared.progressFD, $0.baseAddress, 8) }
    }

    /// Lets the thread write what it can until `deadlineNs` (monotonic),
    /// then keeps the rest in the reserve. Idempotent.
    func finish(deadlineNs: Int64) -> Outcome {
        guard let thread else { return shared.outcome.withLock { $0 } ?? Outcome(complete: true, spilled: [], lost: []) }
        shared.send(nil, stopBy: deadlineNs)
        thread.join()
        self.thread = nil
        return shared.outcome.withLock { $0 } ?? Outcome(complete: false, spilled: [], lost: [])
    }

    enum Command: Sendable {
        case open(FileID, String)
        case append(FileID, [UInt8])
        case close(FileID)
    }

    /// What the two threads share: the inbox, the published status, and an eventfd to wake the writer.
    final class Shared: Sendable {
        struct Inbox {
            var commands: [Command] = []
            var stopByNs: Int64?
        }
        let inbox = Mutex(Inbox())
        let status = Mutex(Status())
        let outcome = Mutex<Outcome?>(nil)
        let wakeFD: Int32
        let progressFD: Int32

        init() throws(SystemError) {
            wakeFD = try retryingOnInterrupt("eventfd", "record writer") { holdfast_eventfd() }
            progressFD = try retryingOnInterrupt("eventfd", "record writer") { holdfast_eventfd() }
        }

        deinit {
            closeDescriptor(wakeFD)
            closeDescriptor(progressFD)
        }

        func announceProgress() {
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { write(progressFD, $0.baseAddress, 8) }
        }

        func send(_ command: Command?, stopBy: Int64? = nil) {
            inbox.withLock { inbox in
                if let command { inbox.commands.append(command) }
                if let stopBy { inbox.stopByNs = stopBy }
            }
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
        }

        func take() -> Inbox {
            var counter: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &counter) { read(wakeFD, $0.baseAddress, 8) }
            return inbox.withLock { inbox in
                defer { inbox.commands.removeAll(keepingCapacity: true) }
                return inbox
            }
        }

        /// Sleeps until woken or `timeoutMs` passes (-1: until woken).
        func wait(timeoutMs: Int32) {
            var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, timeoutMs)
        }
    }
}

/// The writer thread's own state: the files, in the order they were opened.
private final class WriterLoop {
    struct File {
        let id: RecordWriter.FileID
        var path: String
        var log: DurableLog?
        /// Records that arrived before the file could be created.
        var early: [[UInt8]] = []
        var createFault: SystemError?
        var closing = false
        /// From the reserve: where `early` belongs in an existing file.
        var resumeOffset: Int?

        var waiting: Int { early.count + (log?.backlog ?? 0) }
    }

    let shared: RecordWriter.Shared
    let directory: String
    let calls: LogFileCalls
    let log: Log
    var files: [File] = []
    var newestFile = 0
    var reserve: SpillReserve?
    /// The reserve held entries at start: clear it once they are all written.
    var reserveInUse = false
    static let retryIntervalMs: Int32 = 1000

    init(shared: RecordWriter.Shared, directory: String, calls: LogFileCalls, log: Log) {
        self.shared = shared
        self.directory = directory
        self.calls = calls
        self.log = log
    }

    /// Runs until told to stop (after `openReserve`, which the daemon's thread has done).
    func run() {
        var stopByNs: Int64?
        while true {
            let inbox = shared.take()
            stopByNs = inbox.stopByNs ?? stopByNs
            for command in inbox.commands { apply(command) }
            flushAll()
            publish()
            let faulted = files.contains { $0.waiting > 0 }
            if let deadline = stopByNs {
                if !faulted || monotonicNanoseconds() >= deadline { break }
                shared.wait(timeoutMs: Int32(min(Int64(Self.retryIntervalMs), max(1, (deadline - monotonicNanoseconds()) / 1_000_000))))
            } else {
                shared.wait(timeoutMs: faulted ? Self.retryIntervalMs : -1)
            }
        }
        shared.outcome.withLock { $0 = finish() }
        publish()
    }

    // MARK: Commands

    func apply(_ command: RecordWriter.Command) {
        switch command {
        case .open(let id, let path):
            files.append(File(id: id, path: path))
            newestFile = max(newestFile, id.raw)
        case .append(let id, let line):
            guard let i = files.firstIndex(where: { $0.id == id }) else { return }
            if let log = files[i].log { log.enqueue(line) } else { files[i].early.append(line) }
        case .close(let id):
            guard let i = files.firstIndex(where: { $0.id == id }) else { return }
            files[i].closing = true
        }
    }

    // MARK: Writing

    func flushAll() {
        for i in files.indices {
            if files[i].log == nil { create(&files[i]) }
            files[i].log?.flush()
        }
        files.removeAll { file in
            guard file.closing, file.waiting == 0, let log = file.log else { return false }
            _ = log.close()
            return true
        }
        if reserveInUse, !files.contains(where: { $0.resumeOffset != nil }) {
            do {
                try reserve?.write([])
                reserveInUse = false
                log.notice("records kept from the last run are all written now")
            } catch {
                log.error("reserve: \(error)")
            }
        }
    }

    /// Creates the file (and the state directory) and moves the early records into it.
    func create(_ file: inout File) {
        do {
            if let offset = file.resumeOffset {
                let tail = Array(file.early.joined())
                file.log = try DurableLog(resuming: file.path, offset: offset, tail: tail)
                file.early = []
                return
            }
            try makeDirectory(directory)
            var attempt = 1
            while true {
                do {
                    file.log = try DurableLog(creating: file.path, calls: calls)
                    break
                } catch where error.errno == EEXIST && attempt < 100 {
                    // A name taken since the event loop chose it: the next free suffix.
                    attempt += 1
                    file.path = file.path.replacingSuffix(attempt == 2 ? ".jsonl" : "-\(attempt - 1).jsonl", with: "-\(attempt).jsonl")
                }
            }
            for line in file.early { file.log?.enqueue(line) }
            file.early = []
            if file.createFault != nil { log.notice("session file \(file.path) created; its records are being written") }
            file.createFault = nil
        } catch {
            if file.createFault != error { log.error("cannot create session file \(file.path): \(error)") }
            file.createFault = error
        }
    }

    func makeDirectory(_ path: String) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if case .failure(let e) = valueOrErrno({ mkdir(prefix, 0o750) }), e.code != EEXIST {
                throw SystemError("mkdir", prefix, errno: e.code)
            }
        }
        let info = try fileStatus(path).get("stat", path)
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw SystemError("use as the state directory", path, errno: ENOTDIR) }
    }

    func publish() {
        var status = RecordWriter.Status()
        status.newestFile = newestFile
        for file in files {
            status.paths[file.id] = file.path
            status.durable[file.id] = file.log?.durableRecords ?? 0
            status.waiting += file.waiting
            if status.fault == nil, file.waiting > 0 {
                if let e = file.createFault {
                    status.fault = "cannot create session file: \(e)"
                } else if let e = file.log?.fault {
                    status.fault = "session file: \(e)"
                }
            }
        }
        if let fault = status.fault {
            status.fault = fault + "; \(status.waiting) record\(status.waiting == 1 ? "" : "s") waiting"
        }
        let changed = shared.status.withLock { published in
            defer { published = status }
            return published != status
        }
        if changed { shared.announceProgress() }
    }

    // MARK: Reserve

    /// Allocates the reserve and takes back what the last run kept in it.
    func openReserve() {
        do {
            try makeDirectory(directory)
            let reserve = try SpillReserve(directory: directory)
            self.reserve = reserve
            let kept = reserve.read()
            guard !kept.isEmpty else { return }
            reserveInUse = true
            log.warning("\(kept.count) session file\(kept.count == 1 ? "" : "s") to finish with records kept from the last run")
            for entry in kept {
                var file = File(id: RecordWriter.FileID(raw: -files.count - 1), path: entry.path)
                file.early = [entry.data]
                file.resumeOffset = entry.offset
                file.closing = true
                files.append(file)
            }
        } catch {
            log.warning("no reserve for records on a full disk: \(error)")
        }
    }

    /// At the deadline: what is left goes to the reserve, or into the log.
    func finish() -> RecordWriter.Outcome {
        var left: [SpillReserve.Entry] = []
        for file in files where file.waiting > 0 {
            let data = (file.log?.unwritten ?? []) + Array(file.early.joined())
            let offset = file.log?.writtenBytes ?? file.resumeOffset ?? 0
            left.append(SpillReserve.Entry(path: file.path, offset: offset, data: data))
        }
        for file in files { _ = file.log?.close() }
        files.removeAll()
        var lost = left
        var spilled: [String] = []
        if let reserve {
            do {
                lost = try reserve.write(left)
                spilled = left.map(\.path).filter { path in !lost.contains { $0.path == path } }
            } catch {
                log.error("reserve: \(error)")
            }
            reserve.close()
        }
        for entry in lost {
            log.error("UNWRITTEN records of \(entry.path) from byte \(entry.offset):\n" + String(decoding: entry.data, as: UTF8.self))
        }
        return RecordWriter.Outcome(complete: left.isEmpty, spilled: spilled, lost: lost)
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
