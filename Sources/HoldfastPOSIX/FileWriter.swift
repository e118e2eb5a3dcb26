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
        let fd = try valueOrErrno { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, mode) }.get("open", path)
        do { try requireRegularDescriptor(fd, path) } catch {  // something else swapped in since the check
            closeDescriptor(fd)
            throw error.systemError
        }
        self.fd = fd
        buffer.reserveCapacity(bufferSize)
    }

    deinit {
        if fd >= 0 { closeDescriptor(fd) }
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
        defer { buffer.removeSubrange(0..<offset) }  // keep what was not written, for a retry
        while offset < total {
            let start = offset
            offset += try valueOrErrno {
                buffer.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return total - start }
                    return systemWrite(descriptor, base + start, total - start)
                }
            }.get("write", path)
        }
    }

    /// Flushes and asks the kernel to put the data on stable storage.
    public func sync() throws(SystemError) {
        try flush()
        let descriptor = fd
        _ = try valueOrErrno { fsync(descriptor) }.get("fsync", path)
    }

    /// Flushes and closes, and says if the kernel reported a late write error
    /// at close (EIO from a network file system). Later writes fail with EBADF.
    public func close() throws(SystemError) {
        guard fd >= 0 else { throw SystemError("write", path, errno: EBADF) }
        let descriptor = fd
        defer { fd = -1 }
        do { try flush() } catch {
            closeDescriptor(descriptor)
            throw error
        }
        _ = try valueOrErrno(retryOnInterrupt: false) { systemClose(descriptor) }.get("close", path)
    }
}

/// Renames atomically (within one file system) and syncs the directory so the
/// new name survives a power cut.
/// The directory is synced as well as it can be: some file systems cannot sync a
/// directory (EINVAL), and the rename itself has succeeded by then.
public func renameDurably(_ from: String, to: String) throws(SystemError) {
    _ = try valueOrErrno { rename(from, to) }.get("rename to \(to)", from)
    let directory = to.contains("/") ? String(to[..<(to.lastIndex(of: "/") ?? to.endIndex)]) : "."
    guard case .success(let dirFD) = valueOrErrno({ open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) })
    else { return }
    _ = valueOrErrno { fsync(dirFD) }
    closeDescriptor(dirFD)
}

/// Writes all of `bytes` to a blocking descriptor (a log pipe, the terminal),
/// through short writes and EINTR; the first other error ends it.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Result<Void, Errno> {
    let contiguous = Array(bytes)
    return contiguous.withUnsafeBytes { raw -> Result<Void, Errno> in
        guard let base = raw.baseAddress else { return .success(()) }
        var offset = 0
        while offset < raw.count {
            let start = offset
            switch valueOrErrno({ systemWrite(fd, base + start, raw.count - start) }) {
            case .success(let n): offset += n
            case .failure(let e): return .failure(e)
            }
        }
        return .success(())
    }
}

/// Closes a descriptor whose close can report nothing useful (read-only, or on a path
/// already failing): once, never retried (after EINTR the descriptor is gone anyway).
public func closeDescriptor(_ fd: Int32) {
    _ = valueOrErrno(retryOnInterrupt: false) { systemClose(fd) }
}

/// write(2) and close(2), named apart from ``FileWriter``'s own methods.
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
@inline(__always) private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
