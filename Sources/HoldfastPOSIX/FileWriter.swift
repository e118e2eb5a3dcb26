/// A buffered, append-only file writer over a POSIX descriptor, for traces
/// and session files. Errors carry the path and errno (a full disk says so).
///
/// Owns its descriptor: it is closed exactly once, by `close()` or at deinit.
public final class FileWriter {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let flushThreshold: Int

    /// Creates (or truncates) `path` with `mode` permissions. Refuses a path
    /// that names a FIFO, device or directory (a FIFO would block the open).
    public init(creating path: String, mode: mode_t = 0o644, bufferSize: Int = 1 << 16) throws(SystemError) {
        self.path = path
        self.flushThreshold = bufferSize
        try requireRegularOrMissing(path)
        let fd = try retryingOnInterrupt("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, mode) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {  // swapped in since the check
            _ = Glibc_close(fd)
            throw SystemError("open", path, errno: EINVAL, detail: "\(fileKind(info.st_mode & S_IFMT)), not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        buffer.reserveCapacity(bufferSize)
    }

    deinit {
        if fd >= 0 { _ = Glibc_close(fd) }
    }

    /// Appends bytes; writes through when the buffer is full.
    public func write(_ bytes: [UInt8]) throws(SystemError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func write(_ text: String) throws(SystemError) { try write(Array(text.utf8)) }

    /// Gives direct access to the pending buffer, for writers that format in place.
    public func withBuffer(_ body: (inout [UInt8]) -> Void) throws(SystemError) {
        body(&buffer)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Hands all buffered bytes to the kernel.
    public func flush() throws(SystemError) {
        guard fd >= 0 else { throw SystemError("write", path, errno: EBADF) }
        var offset = 0
        let total = buffer.count
        let descriptor = fd
        let subject = path
        defer { buffer.removeSubrange(0..<offset) }  // keep what was not written, for a retry
        while offset < total {
            let start = offset
            let n = buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return total - start }
                return Glibc_write(descriptor, base + start, total - start)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", subject, errno: errno)
            }
            offset += n
        }
    }

    /// Flushes and asks the kernel to put the data on stable storage.
    public func sync() throws(SystemError) {
        try flush()
        let descriptor = fd
        _ = try retryingOnInterrupt("fsync", path) { fsync(descriptor) }
    }

    /// Flushes and closes. Safe to call once; later writes fail with EBADF.
    public func close() throws(SystemError) {
        defer { if fd >= 0 { _ = Glibc_close(fd); fd = -1 } }
        try flush()
    }
}

/// Renames atomically (within one file system) and syncs the directory so the
/// new name survives a power cut.
public func renameDurably(_ from: String, to: String) throws(SystemError) {
    _ = try retryingOnInterrupt("rename to \(to)", from) { rename(from, to) }
    let directory = to.contains("/") ? String(to[..<(to.lastIndex(of: "/") ?? to.endIndex)]) : "."
    let dirFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirFD >= 0 {
        _ = fsync(dirFD)
        _ = Glibc_close(dirFD)
    }
}

@inline(__always) func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
