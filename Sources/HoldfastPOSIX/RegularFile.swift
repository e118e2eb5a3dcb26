/// Regular files only: what a trace, a session, a calibration or a
/// configuration file must be.
///
/// Anything else named by mistake (or by a hostile user) does harm: opening a
/// FIFO blocks until a writer comes (a `session list` hung on `x.jsonl`), a
/// device reads for ever (`/dev/zero`), and a result renamed over a device node
/// replaces it (`replay --session /dev/full`). These helpers look before they
/// open (stat has no side effects, unlike opening some devices), open with
/// O_NONBLOCK so a FIFO that appears in between cannot block, and check the
/// opened descriptor again.

/// Opens `path` for reading; refuses, naming what it is, anything that is not
/// a regular file (symbolic links are followed). Returns the descriptor, in
/// blocking mode, close-on-exec; the caller closes it.
public func openRegularFileForReading(path: String) throws(SystemError) -> Int32 {
    var before = stat()
    _ = try retryingOnInterrupt("open", path) { stat(path, &before) }
    try requireRegular(before.st_mode, path)
    let fd = try retryingOnInterrupt("open", path) { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
    var after = stat()
    guard fstat(fd, &after) == 0 else {
        let code = errno
        _ = close(fd)
        throw SystemError("open", path, errno: code)
    }
    do { try requireRegular(after.st_mode, path) } catch {
        _ = close(fd)
        throw error
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
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
    try requireRegular(info.st_mode, path)
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
    if info.st_mode & S_IFMT == S_IFLNK {
        throw SystemError("replace", path, errno: EINVAL, detail: "it is a symbolic link; name the file itself")
    }
    do { try requireRegular(info.st_mode, path) } catch {
        throw SystemError("replace", path, errno: error.errno, detail: error.detail)
    }
    let identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    if protected.contains(identity) {
        throw SystemError("replace", path, errno: EINVAL, detail: "it is the input file")
    }
}

/// What a file mode describes, for messages: "a FIFO", "a directory", ….
public func fileKind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: "a regular file"
    case S_IFDIR: "a directory"
    case S_IFIFO: "a FIFO"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    case S_IFLNK: "a symbolic link"
    default: "not a regular file"
    }
}

/// Whether `path` names a regular file (following symbolic links); false if it names nothing.
public func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
}

private func requireRegular(_ mode: mode_t, _ path: String) throws(SystemError) {
    guard mode & S_IFMT != S_IFREG else { return }
    let code = mode & S_IFMT == S_IFDIR ? EISDIR : EINVAL
    throw SystemError("open", path, errno: code, detail: "it is \(fileKind(mode)), not a regular file")
}

extension FileIdentity {
    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}
