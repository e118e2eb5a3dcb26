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
        guard let path = address, !path.isEmpty, let fd = try? UnixSocket.make(SOCK_DGRAM, for: path) else { return }
        defer { close(fd) }
        let message = Array(state.utf8)
        _ = try? UnixSocket.withAddress(path) { address, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
        }
    }
}
