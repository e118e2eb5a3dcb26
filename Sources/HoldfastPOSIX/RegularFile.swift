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
    if case .success(let before) = fileStatus(path), before.st_mode & S_IFMT != S_IFREG {
        throw .notARegularFile(path: path, kind: fileKind(before.st_mode & S_IFMT))
    }
    let fd: Int32
    do { fd = try valueOrErrno { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }.get("open", path) }
    catch { throw .system(error) }
    do { try requireRegularDescriptor(fd, path) } catch {
        closeDescriptor(fd)
        throw error
    }
    return fd
}

/// Checks that `fd`, opened with O_NONBLOCK (so a FIFO could not block the open), is a
/// regular file, and makes it blocking again, as reads and writes of a file expect.
func requireRegularDescriptor(_ fd: Int32, _ path: String) throws(OpenForReadingError) {
    let info: stat
    do { info = try fileStatus(descriptor: fd).get("fstat", path) } catch { throw .system(error) }
    let type = info.st_mode & S_IFMT
    guard type == S_IFREG else { throw .notARegularFile(path: path, kind: fileKind(type)) }
    do {
        let flags = try valueOrErrno { fcntl(fd, F_GETFL) }.get("fcntl", path)
        _ = try valueOrErrno { fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }.get("fcntl", path)
    } catch {
        throw .system(error)
    }
}

/// stat(2), or lstat(2) when `followingLinks` is false.
public func fileStatus(_ path: String, followingLinks: Bool = true) -> Result<stat, Errno> {
    var info = stat()
    return valueOrErrno { followingLinks ? stat(path, &info) : lstat(path, &info) }.map { _ in info }
}

/// fstat(2).
public func fileStatus(descriptor fd: Int32) -> Result<stat, Errno> {
    var info = stat()
    return valueOrErrno { fstat(fd, &info) }.map { _ in info }
}

/// Refuses to write where `path` names something other than a regular file
/// (a FIFO, a device, a directory, a socket); a missing file is fine.
/// Symbolic links are followed, as open(2) follows them.
public func requireRegularOrMissing(_ path: String) throws(SystemError) {
    let info: stat
    switch fileStatus(path) {
    case .success(let found): info = found
    case .failure(let e) where e.code == ENOENT: return
    case .failure(let e): throw SystemError("open", path, errno: e.code)
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
        guard case .success(let info) = fileStatus(path) else { return nil }
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
    let info: stat
    switch fileStatus(path, followingLinks: false) {
    case .success(let found): info = found
    case .failure(let e) where e.code == ENOENT: return
    case .failure(let e): throw SystemError("replace", path, errno: e.code)
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
    guard case .success(let info) = fileStatus(path) else { return false }
    return info.st_mode & S_IFMT == S_IFREG
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
