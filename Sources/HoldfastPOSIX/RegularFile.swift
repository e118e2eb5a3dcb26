/// Why ``openRegularFileForReading(path:)`` gave no descriptor.
public enum OpenForReadingError: Error, Equatable, CustomStringConvertible {
    /// A system call failed (`open`, `fstat`, `fcntl`).
    case system(SystemError)
    /// The path names something else; `kind` says what ("a FIFO", "a directory", …).
    case notARegularFile(path: String, kind: String)

    public var description: String {
        switch self {
        case .system(let error): error.description
        case .notARegularFile(let path, let kind): "\(path): \(kind), not a regular file"
        }
    }
}

/// Opens `path` read-only and returns the descriptor, refusing anything that is not a regular file.
///
/// Input files (traces, sessions) are read to their end: a FIFO would block in
/// `open` until a writer appears and then in every `read`, a device may never end.
/// `O_NONBLOCK` makes `open` return at once, `fstat` tells what was opened, and
/// the flag is cleared again so that reads of the regular file behave as usual.
/// The descriptor is close-on-exec; the caller owns it.
public func openRegularFileForReading(path: String) throws(OpenForReadingError) -> Int32 {
    let fd: Int32
    do { fd = try retryingOnInterrupt("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } }
    catch { throw .system(error) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
        let code = errno
        _ = close(fd)
        throw .system(SystemError("fstat", path, errno: code))
    }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else {
        _ = close(fd)
        throw .notARegularFile(path: path, kind: fileKind(type))
    }
    let flags = fcntl(fd, F_GETFL)
    guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
        let code = errno
        _ = close(fd)
        throw .system(SystemError("fcntl", path, errno: code))
    }
    return fd
}

/// A file type from `st_mode & S_IFMT`, in words.
private func fileKind(_ type: mode_t) -> String {
    switch type {
    case S_IFDIR: "a directory"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    default: "a special file"
    }
}
