/// Reads a whole regular file, with errors that carry the path and errno (what
/// Foundation's Data(contentsOf:) would report only as a generic error).
/// A FIFO, device or directory is refused (see `openRegularFileForReading`).
public func readFile(_ path: String, limit: Int = 1 << 30) throws(SystemError) -> [UInt8] {
    let fd: Int32
    do { fd = try openRegularFileForReading(path: path) } catch { throw error.systemError }
    defer { closeDescriptor(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = try valueOrErrno { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }.get("read", path)
        if n == 0 { return bytes }
        bytes.append(contentsOf: chunk[..<n])
        guard bytes.count <= limit else { throw SystemError("read (larger than \(limit) bytes)", path, errno: EFBIG) }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced, renamed over it.
/// Only a new path or a regular file is replaced (never a device node or a FIFO).
public func writeFileAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(SystemError) {
    try requireReplaceable(path, sparing: [])
    let temporary = path + ".tmp"
    let writer = try FileWriter(creating: temporary, mode: mode)
    var renamed = false
    defer { if !renamed { _ = valueOrErrno { unlink(temporary) } } }  // cleaning up after an error already thrown
    try writer.write(bytes)
    try writer.sync()
    try writer.close()
    try renameDurably(temporary, to: path)
    renamed = true
}
