/// Regular files only: what a trace, a session, a calibration or a
/// configuration file must be, and the only thing a result may replace.
///
/// Anything else named by mistake (or by a hostile user) does harm: opening a
/// FIFO blocks until a writer comes (a `session list` hung on `x.jsonl`), a
/// device reads for ever (`/dev/zero`), and a result renamed over a device node
/// replaces it (`replay --session /dev/full`).

/// Why ``openRegularFileForReading(path:)`` gave no descriptor.
public enum OpenForReadingError: Error, Equatable, CustomStringConvertible {
    /// A system call failed (`open`, `fstat`, `fcntl`).
    case system(SystemError)
    /// The path names something else; `kind` says what ("a FIFO", "a directory", …).
    case notARegularFile(path: String, kind: String)

    public var description: String {
        switch self {
        case .system(let error): error.description
        case .notARegularFile(let path, _): "\(path): \(reason)"
        }
    }

    /// Why, without the path: the C error's text, or what the path names instead.
    public var reason: String {
        switch self {
        case .system(let error): error.reason
        case .notARegularFile(_, let kind): "\(kind), not a regular file"
        }
    }

    /// The same as a SystemError, for callers whose errors carry one.
    public var systemError: SystemError {
        switch self {
        case .system(let error): error
        case .notARegularFile(let path, _): SystemError("open", path, errno: EINVAL, detail: reason)
        }
    }
}

/// Opens `path` read-only and returns the descriptor, refusing anything that is not a regular file.
///
/// Input files (traces, sessions) are read to their end: a FIFO would block in
/// `open` until a writer appears and then in every `read`, a device may never end.
/// `stat` first (opening some devices has side effects), then `O_NONBLOCK` makes
/// `open` return at once even if a FIFO was swapped in meanwhile, `fstat` tells
/// what was opened, and the flag is cleared again so that reads of the regular
/// file behave as usual. The descriptor is close-on-exec; the caller owns it.
public func openRegularFileForReading(path: String) throws(OpenForReadingError) -> Int32 {
    var before = stat()
    if stat(path, &before) == 0, before.st_mode & S_IFMT != S_IFREG {
        throw .notARegularFile(path: path, kind: fileKind(before.st_mode & S_IFMT))
    }
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

/// Refuses to write where `path` names something other than a regular file
/// (a FIFO, a device, a directory, a socket); a missing file is fine.
/// Symbolic links are followed, as open(2) follows them.
public func requireRegularOrMissing(_ path: String) throws(SystemError) {
    var info = stat()
    guard stat(path, &info) == 0 else {
        let code = errno
        if code == ENOENT { return }
        throw SystemError("open", path, errno: code)
    }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else {
        throw SystemError("open", path, errno: type == S_IFDIR ? EISDIR : EINVAL, detail: "\(fileKind(type)), not a regular file")
    }
}

/// Which file a path names (device and inode), to tell "the same file" from
/// "the same path": a hard link or a second path to a trace is still the trace.
public struct FileIdentity: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    /// The file at `path` (symbolic links followed), or nil if there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Checks that renaming a finished file to `path` harms nothing: `path` must
/// not exist, or be a regular file (not a symbolic link: rename would replace
/// the link, not what it names) that is none of `protected` (the input).
public func requireReplaceable(_ path: String, sparing protected: [FileIdentity]) throws(SystemError) {
    var info = stat()
    guard lstat(path, &info) == 0 else {
        let code = errno
        if code == ENOENT { return }
        throw SystemError("replace", path, errno: code)
    }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else {
        let what = type == S_IFLNK ? "a symbolic link (name the file itself)" : "\(fileKind(type)), not a regular file"
        throw SystemError("replace", path, errno: type == S_IFDIR ? EISDIR : EINVAL, detail: what)
    }
    if protected.contains(FileIdentity(info)) {
        throw SystemError("replace", path, errno: EINVAL, detail: "the input file itself")
    }
}

/// Whether `path` names a regular file (following symbolic links); false if it names nothing.
public func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
}

/// A file type from `st_mode & S_IFMT`, in words.
func fileKind(_ type: mode_t) -> String {
    switch type {
    case S_IFDIR: "a directory"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    case S_IFLNK: "a symbolic link"
    default: "a special file"
    }
}
