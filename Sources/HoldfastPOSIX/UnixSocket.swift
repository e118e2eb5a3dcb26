/// Unix-domain socket addresses, in one place: the daemon's listening
/// socket, its clients and the systemd notifier all fill a `sockaddr_un`.
public enum UnixSocket {
    /// Calls `body` with the address of `path` ("@name" for the abstract
    /// namespace) and its length; throws ENAMETOOLONG for a path that does not fit.
    public static func withAddress<T>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T
    ) throws(SystemError) -> T {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let abstract = path.hasPrefix("@")
        let bytes = (abstract ? [0] : []) + Array(path.utf8.dropFirst(abstract ? 1 : 0))
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: addr.sun_path), !bytes.dropFirst().contains(0) else {
            throw SystemError("use as a socket path", path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        // Abstract names count exactly; paths end at their NUL.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// A new socket of `type` (SOCK_STREAM, SOCK_DGRAM), close-on-exec, optionally non-blocking.
    public static func make(_ type: __socket_type, nonBlocking: Bool = false, for path: String) throws(SystemError) -> Int32 {
        let flags = Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | (nonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0)
        return try valueOrErrno { socket(AF_UNIX, flags, 0) }.get("socket", path)
    }
}
