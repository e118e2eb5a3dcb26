import HoldfastPOSIX

/// The calls a durable log makes, as a seam: tests make them fail with
/// ENOSPC, EROFS or EIO, or take half a second, to check that nothing
/// written is lost and that nothing waits for them.
public protocol LogFileCalls: AnyObject, Sendable {
    /// open(2) for a new file; -1 with `lastError` set on failure.
    func create(_ path: String, mode: mode_t) -> Int32
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    func fsync(_ fd: Int32) -> Int32
    var lastError: Int32 { get }
}

public final class SystemLogFileCalls: LogFileCalls {
    public init() {}
    public var lastError: Int32 { errno }
    public func create(_ path: String, mode: mode_t) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, mode)
    }
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        HoldfastPOSIX.write(fd, bytes.baseAddress, bytes.count)
    }
    public func fsync(_ fd: Int32) -> Int32 { HoldfastPOSIX.fsync(fd) }
}

/// An append-only file where every record is on stable storage before it
/// counts as written: after `kill -9` or a power cut every completed record
/// is readable (a reader may find one torn last line).
///
/// Records are queued with `enqueue`; `flush()` writes everything queued and
/// syncs once. When a write or fsync fails (a full disk), the records stay
/// queued, `fault` says why, and the next `flush()` tries again from the
/// exact byte where the kernel stopped; the file is never truncated or
/// rewritten, so nothing already written is lost.
///
/// Used on one thread (the record writer's).
public final class DurableLog {
    public let path: String
    private let calls: LogFileCalls
    private var fd: Int32
    private var pending: [[UInt8]] = []
    private var pendingOffset = 0
    private var needsSync = false
    /// Records handed to the kernel since the last successful sync.
    private var unsynced = 0
    /// Records on stable storage, counted from the first.
    public private(set) var durableRecords = 0
    /// Bytes on stable storage (or handed to the kernel, before the next sync).
    public private(set) var writtenBytes = 0
    public private(set) var fault: SystemError?

    /// Creates `path` (refusing to overwrite an existing file or follow a link) with `mode`.
    public init(creating path: String, mode: mode_t = 0o640, calls: LogFileCalls = SystemLogFileCalls()) throws(SystemError) {
        self.path = path
        self.calls = calls
        fd = try valueOrErrno(lastError: { calls.lastError }) { calls.create(path, mode: mode) }.get("create", path)
        fchmod(fd, mode)  // the umask must not widen or narrow it
    }

    /// Opens `path` to finish it: `tail` belongs at byte `offset`. A file
    /// that already holds part of the tail (an earlier resume was cut short)
    /// gets only the rest; a missing file is created.
    public init(resuming path: String, offset: Int, tail: [UInt8], mode: mode_t = 0o640) throws(SystemError) {
        self.path = path
        calls = SystemLogFileCalls()
        fd = try valueOrErrno { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, mode) }.get("open", path)
        let info: stat
        switch fileStatus(descriptor: fd) {
        case .success(let found): info = found
        case .failure(let e):
            closeDescriptor(fd)
            throw SystemError("stat", path, errno: e.code)
        }
        let already = max(0, min(tail.count, Int(info.st_size) - offset))
        writtenBytes = Int(info.st_size)
        if already < tail.count { pending = [Array(tail[already...])] }
    }

    deinit { if fd >= 0 { closeDescriptor(fd) } }

    /// Records waiting to be written (non-zero only before a flush or while faulted).
    public var backlog: Int { pending.count }

    /// Queues `line`; nothing is written until `flush()`.
    public func enqueue(_ line: [UInt8]) { pending.append(line) }

    /// Queues `line` and flushes. Returns false (and sets `fault`) if it could not.
    @discardableResult
    public func append(_ line: [UInt8]) -> Bool {
        enqueue(line)
        return flush()
    }

    /// Writes and syncs whatever is queued. Returns true when nothing is left.
    @discardableResult
    public func flush() -> Bool {
        guard fd >= 0 else { return pending.isEmpty }
        while let line = pending.first {
            let n: Int
            switch valueOrErrno(lastError: { calls.lastError }, {
                line.withUnsafeBytes { raw in calls.write(fd, UnsafeRawBufferPointer(rebasing: raw[pendingOffset...])) }
            }) {
            case .success(let written): n = written
            case .failure(let e):
                fault = SystemError("write", path, errno: e.code)
                return false
            }
            needsSync = true
            pendingOffset += n
            writtenBytes += n
            if pendingOffset == line.count {
                pending.removeFirst()
                pendingOffset = 0
                unsynced += 1
            }
        }
        if needsSync {
            if case .failure(let e) = valueOrErrno(lastError: { calls.lastError }, { calls.fsync(fd) }) {
                fault = SystemError("fsync", path, errno: e.code)
                return false
            }
            needsSync = false
            durableRecords += unsynced
            unsynced = 0
        }
        fault = nil
        return true
    }

    /// What could not be written yet, as one run of bytes: the rest of a
    /// torn line first, then the whole queued lines.
    public var unwritten: [UInt8] {
        guard let first = pending.first else { return [] }
        return Array(first[pendingOffset...]) + pending.dropFirst().joined()
    }

    /// Flushes what it can and closes. Returns what could not be written (see `unwritten`).
    public func close() -> [UInt8] {
        flush()
        if fd >= 0 { closeDescriptor(fd); fd = -1 }
        return unwritten
    }
}
