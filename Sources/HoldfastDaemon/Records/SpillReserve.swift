import HoldfastPOSIX

/// Records that could not be written when the daemon stopped (the disk was
/// full) are kept in a file whose blocks were allocated when the daemon
/// started, so writing them needs no free space. The next start appends
/// them to their session files, at the byte where each stopped.
///
/// Format: a line `holdfast-reserve 1 N`, then N entries, each a line
/// `PATH_BYTES OFFSET DATA_BYTES` followed by the path and the data. An
/// empty reserve has N = 0.
struct SpillReserve {
    /// One session file's unwritten tail.
    struct Entry: Equatable {
        var path: String
        /// The file's size when the tail was cut off: where `data` belongs.
        var offset: Int
        var data: [UInt8]
    }

    static let fileName = ".holdfast-reserve"
    /// About 5,000 records: hours of holds, alarms and marks on a full disk.
    static let size = 1 << 20

    let path: String
    private let fd: Int32

    /// Opens (creating and allocating if needed) the reserve in `directory`.
    init(directory: String) throws(SystemError) {
        let path = directory + "/" + Self.fileName
        self.path = path
        fd = try retryingOnInterrupt("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o640) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            closeDescriptor(fd)
            throw SystemError("open", path, errno: EINVAL)
        }
        if info.st_size < Self.size {
            let result = posix_fallocate(fd, 0, off_t(Self.size))
            guard result == 0 else { closeDescriptor(fd); throw SystemError("allocate", path, errno: result) }
        }
    }

    func close() { closeDescriptor(fd) }

    /// What the last run left; empty for an empty or unreadable reserve.
    func read() -> [Entry] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return [] }
        return Self.decode(bytes[..<n])
    }

    /// Replaces the reserve's contents with `entries` (as many as fit) and
    /// syncs. Returns the entries that did not fit.
    @discardableResult
    func write(_ entries: [Entry]) throws(SystemError) -> [Entry] {
        var kept: [Entry] = []
        var rest: [Entry] = []
        for entry in entries {
            if Self.encode(kept + [entry]).count <= Self.size { kept.append(entry) } else { rest.append(entry) }
        }
        let bytes = Self.encode(kept)
        let n = try valueOrErrno { bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }.get("write", path)
        guard n == bytes.count else { throw SystemError("write", path, errno: EIO) }  // the reserve's own blocks, so short means broken
        _ = try valueOrErrno { fdatasync(fd) }.get("fsync", path)
        return rest
    }

    static func encode(_ entries: [Entry]) -> [UInt8] {
        var out = Array("holdfast-reserve 1 \(entries.count)\n".utf8)
        for e in entries {
            let path = Array(e.path.utf8)
            out += Array("\(path.count) \(e.offset) \(e.data.count)\n".utf8)
            out += path
            out += e.data
        }
        return out
    }

    /// Parses what `encode` wrote; stops at the first entry that does not parse (a torn reserve).
    static func decode(_ bytes: ArraySlice<UInt8>) -> [Entry] {
        var cursor = bytes.startIndex
        func line() -> [Substring]? {
            guard let newline = bytes[cursor...].firstIndex(of: UInt8(ascii: "\n")), newline - cursor < 200 else { return nil }
            let text = String(decoding: bytes[cursor..<newline], as: UTF8.self)
            cursor = newline + 1
            return text.split(separator: " ")
        }
        guard let header = line(), header.count == 3, header[0] == "holdfast-reserve", header[1] == "1",
              let count = Int(header[2]), count >= 0 else { return [] }
        var entries: [Entry] = []
        for _ in 0..<count {
            guard let fields = line(), fields.count == 3, let pathBytes = Int(fields[0]), let offset = Int(fields[1]),
                  let dataBytes = Int(fields[2]), pathBytes > 0, offset >= 0, dataBytes >= 0,
                  bytes.endIndex - cursor >= pathBytes + dataBytes else { break }
            let path = String(decoding: bytes[cursor..<(cursor + pathBytes)], as: UTF8.self)
            cursor += pathBytes
            entries.append(Entry(path: path, offset: offset, data: Array(bytes[cursor..<(cursor + dataBytes)])))
            cursor += dataBytes
        }
        return entries
    }
}
