import HoldfastPOSIX

/// sd_notify(3) without libsystemd: datagrams to $NOTIFY_SOCKET. Does
/// nothing when the daemon does not run under systemd (no NOTIFY_SOCKET).
public final class SystemdNotifier {
    private let address: String?
    /// Half of $WATCHDOG_USEC, the interval at which to send WATCHDOG=1, if the unit has one.
    public let watchdogIntervalNs: Int64?

    public init(environment: [String: String]) {
        address = environment["NOTIFY_SOCKET"]
        watchdogIntervalNs = environment["WATCHDOG_USEC"].flatMap { Int64($0) }.map { $0 * 1000 / 2 }
    }

    public func notify(_ state: String) {
        guard var path = address, !path.isEmpty else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let abstract = path.hasPrefix("@")
        if abstract { path.removeFirst() }
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: (abstract ? [0] : []) + bytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 1 : 0))
        let message = Array(state.utf8)
        _ = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, length) }
            }
        }
    }
}
