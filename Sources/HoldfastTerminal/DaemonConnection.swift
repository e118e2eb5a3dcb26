import HoldfastJSON
import HoldfastPOSIX

/// A connection to the daemon's control socket: JSON lines in and out.
final class DaemonConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects, or returns nil if the daemon is not there (yet).
    init?(path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { close(fd); return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Reads what is there: the messages, or nil when the daemon has gone.
    func receive() -> [[String: Any]]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var gone = false
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { buffer += chunk[..<n]; continue }
            if n == 0 { gone = true }
            else if errno == EINTR { continue }
            else if errno != EAGAIN && errno != EWOULDBLOCK { gone = true }
            break
        }
        var messages: [[String: Any]] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer[..<newline]
            if let m = JSON.object(from: line) { messages.append(m) }
            buffer.removeSubrange(...newline)
        }
        return gone && messages.isEmpty ? nil : messages
    }

    func send(_ object: [String: Any]) {
        let data = Array((JSON.text(object) + "\n").utf8)
        _ = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
