import HoldfastPOSIX

/// The calls a durable log makes, as a seam: tests make them fail with
/// ENOSPC or EIO to check that nothing written is lost.
public protocol LogFileCalls: AnyObject {
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    func fsync(_ fd: Int32) -> Int32
    var lastError: Int32 { get }
}

public final class SystemLogFileCalls: LogFileCalls {
    public init() {}
    public var lastError: Int32 { errno }
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        HoldfastPOSIX.write(fd, bytes.baseAddress, bytes.count)
    }
    public func fsync(_ fd: Int32) -> Int32 { HoldfastPOSIX.fsync(fd) }
}

/// An append-only file where every record is on stable storage before
/// `append` reports success: after `kill -9` or a power cut every completed
/// record is readable (a reader may find one torn last line).
///
/// When a write or fsync fails (a full disk), the records stay queued in
/// memory, `fault` says why, and `retry()` — called by the event loop —
/// tries again from the exact byte where the kernel stopped; the file is
/// never truncated or rewritten, so nothing already written is lost.
public final class DurableLog {
    public let path: String
    private let calls: LogFileCalls
    private var fd: Int32
    private var pending: [[UInt8]] = []
    private var pendingOffset = 0
    private var needsSync = false
    public private(set) var fault: SystemError?

    /// Creates `path` (refusing to overwrite an existing file) with `mode`.
    public init(creating path: String, mode: mode_t = 0o640, calls: LogFileCalls = SystemLogFileCalls()) throws(SystemError) {
        self.path = path
        self.calls = calls
        fd = try retryingOnInterrupt("create", path) { open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, mode) }
        fchmod(fd, mode)  // the umask must not widen or narrow it
    }

    deinit { if fd >= 0 { HoldfastPOSIX.close(fd) } }

    /// Records waiting to be written (non-zero only while faulted).
    public var backlog: Int { pending.count }

    /// Queues `line` and tries to make everything queued durable. Returns
    /// false (and sets `fault`) if it could not; the line is kept for `retry()`.
    @discardableResult
    public func append(_ line: [UInt8]) -> Bool {
        pending.append(line)
        return retry()
    }

    /// Writes and syncs whatever is queued. Returns true when nothing is left.
    @discardableResult
    public func retry() -> Bool {
        guard fd >= 0 else { return pending.isEmpty }
        while let line = pending.first {
            let n = line.withUnsafeBytes { raw in
                calls.write(fd, UnsafeRawBufferPointer(rebasing: raw[pendingOffset...]))
            }
            if n < 0 {
                let code = calls.lastError
                if code == EINTR { continue }
                fault = SystemError("write", path, errno: code)
                return false
            }
            needsSync = true
            pendingOffset += n
            if pendingOffset == line.count {
                pending.removeFirst()
                pendingOffset = 0
            }
        }
        if needsSync {
            if calls.fsync(fd) != 0 {
                fault = SystemError("fsync", path, errno: calls.lastError)
                return false
            }
            needsSync = false
        }
        fault = nil
        return true
    }

    /// Flushes what it can and closes. Records that could not be written are returned.
    public func close() -> [[UInt8]] {
        retry()
        if fd >= 0 { HoldfastPOSIX.close(fd); fd = -1 }
        return pending
    }
}
