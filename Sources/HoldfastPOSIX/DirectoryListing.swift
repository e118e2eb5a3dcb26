/// The names in a directory (without `.` and `..`), in no particular order;
/// errors carry the path and errno (a missing or unreadable directory says so).
public func directoryEntries(_ path: String) throws(SystemError) -> [String] {
    let dir = try valueOrErrno { opendir(path) }.get("opendir", path)
    defer { closedir(dir) }
    var names: [String] = []
    while true {
        // readdir returns nil both at the end and on failure; only errno tells them apart.
        errno = 0
        guard let entry = readdir(dir) else {
            if errno != 0 { throw SystemError("readdir", path, errno: errno) }
            return names
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
}

/// The size of a regular file at `path` (symbolic links followed), or nil if it is none.
public func regularFileSize(_ path: String) -> Int64? {
    guard case .success(let info) = fileStatus(path), info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int64(info.st_size)
}

/// Creates the directory `path` with `mode`, or leaves it as it is if it is already there.
public func makeDirectoryIfMissing(_ path: String, mode: mode_t = 0o750) throws(SystemError) {
    switch valueOrErrno({ mkdir(path, mode) }) {
    case .success: return
    case .failure(let e) where e.code == EEXIST: return
    case .failure(let e): throw SystemError("mkdir", path, errno: e.code)
    }
}
