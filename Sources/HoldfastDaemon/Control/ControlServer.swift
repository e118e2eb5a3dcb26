import CLinux
import HoldfastPOSIX

/// The control socket: owns its path, accepts clients within limits, reads
/// their commands within their budgets, and writes to them without ever
/// blocking the event loop.
///
/// **Ownership.** A lock file beside the socket (`PATH.lock`, `flock`ed for
/// the daemon's lifetime) says who owns the path: a second daemon on the
/// same path refuses to start instead of unlinking the first one's live
/// socket. Only the owner removes a stale socket, and only a socket: a
/// regular file or anything else at the path is an error, never deleted.
///
/// **Limits.** At most ``maxClients`` clients; one more is accepted and
/// closed at once with a message. At the descriptor limit (EMFILE) the
/// server sheds the waiting connection through a spare descriptor instead
/// of spinning on `accept`, and says so once.
final class ControlServer {
    static let maxClients = 32

    let path: String
    let listenFD: Int32
    private let lockFD: Int32
    /// Kept open to be given up at EMFILE, so a waiting connection can be accepted and closed.
    private var spareFD: Int32
    private let log: Log
    private(set) var clients: [ControlClient] = []
    private var atDescriptorLimit = false

    init(path: String, log: Log) throws(DaemonError) {
        self.path = path
        self.log = log
        lockFD = try Self.lock(path + ".lock")
        let fd: Int32
        do {
            try Self.removeStaleSocket(path)
            fd = try UnixSocket.make(SOCK_STREAM, nonBlocking: true, for: path)
        } catch {
            closeDescriptor(lockFD)
            throw DaemonError("\(error)")
        }
        listenFD = fd
        let bound = (try? UnixSocket.withAddress(path) { address, length in valueOrErrno { bind(fd, address, length) } })
            ?? .failure(Errno(ENAMETOOLONG))
        if case .failure(let e) = bound {
            closeDescriptor(listenFD); closeDescriptor(lockFD)
            throw DaemonError("\(path): bind failed: \(e)")
        }
        chmod(path, 0o660)
        if case .failure(let e) = valueOrErrno({ listen(fd, 16) }) {
            closeDescriptor(listenFD); closeDescriptor(lockFD); unlink(path)
            throw DaemonError("\(path): listen failed: \(e)")
        }
        spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// Takes the lock that makes this daemon the path's owner.
    private static func lock(_ lockPath: String) throws(DaemonError) -> Int32 {
        let fd: Int32
        switch valueOrErrno({ open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o660) }) {
        case .success(let opened): fd = opened
        case .failure(let e): throw DaemonError("\(lockPath): cannot open the socket's lock file: \(e)")
        }
        if case .failure(let e) = valueOrErrno({ flock(fd, LOCK_EX | LOCK_NB) }) {
            closeDescriptor(fd)
            if e.wouldBlock {
                throw DaemonError("\(lockPath): another holdfast daemon owns this socket path; stop it first or choose another socket")
            }
            throw DaemonError("\(lockPath): cannot lock: \(e)")
        }
        return fd
    }

    /// Removes a socket left by a daemon that died (we hold the lock, so no live daemon uses it).
    private static func removeStaleSocket(_ path: String) throws(DaemonError) {
        let info: stat
        switch fileStatus(path, followingLinks: false) {
        case .success(let found): info = found
        case .failure(let e) where e.code == ENOENT: return
        case .failure(let e): throw DaemonError("\(path): \(e)")
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError("\(path) exists and is not a socket; not removing it (choose another socket path)")
        }
        if case .failure(let e) = valueOrErrno({ unlink(path) }), e.code != ENOENT {
            throw DaemonError("\(path): cannot remove the stale socket: \(e)")
        }
    }

    /// Accepts waiting clients; `greeting` is the first line each gets.
    func accept(nowNs: Int64, greeting: () -> [UInt8]) {
        while true {
            let fd: Int32
            switch valueOrErrno({ holdfast_accept_nonblocking(listenFD) }) {
            case .success(let accepted): fd = accepted
            case .failure(let e):
                if e.code == EMFILE || e.code == ENFILE { shedAtDescriptorLimit() }
                return
            }
            if atDescriptorLimit {
                atDescriptorLimit = false
                log.notice("control socket: accepting clients again")
            }
            guard clients.count < Self.maxClients else {
                let message = Array("{\"type\":\"reply\",\"ok\":false,\"error\":\"too many clients (at most \(Self.maxClients))\"}\n".utf8)
                _ = message.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                closeDescriptor(fd)
                continue
            }
            let client = ControlClient(fd: fd, nowNs: nowNs)
            clients.append(client)
            client.enqueue(greeting(), droppable: false, nowNs: nowNs)
        }
    }

    /// Out of descriptors: accept the waiting connection on the spare one and close it, so
    /// `poll` stops reporting it (otherwise the loop would spin), and say so once.
    private func shedAtDescriptorLimit() {
        if !atDescriptorLimit {
            atDescriptorLimit = true
            log.error("control socket: out of file descriptors (\(clients.count) clients); refusing new clients until one goes")
        }
        guard spareFD >= 0 else { return }
        closeDescriptor(spareFD)
        let fd = Glibc.accept(listenFD, nil, nil)
        if fd >= 0 { closeDescriptor(fd) }
        spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// Reads from each client `poll` reported, within its budget, and hands its lines to `handle`.
    func read(ready: [Int32], nowNs: Int64, handle: (ControlClient.Incoming, ControlClient) -> Void) {
        for client in clients where ready.contains(client.fd) {
            for incoming in client.readAvailable(nowNs: nowNs) { handle(incoming, client) }
        }
    }

    func broadcast(_ line: [UInt8], droppable: Bool, nowNs: Int64) {
        for client in clients { client.enqueue(line, droppable: droppable, nowNs: nowNs) }
    }

    /// Writes what each client takes; drops clients that went away or broke their limits (logged once each).
    func flush(nowNs: Int64) {
        clients.removeAll { client in
            guard !client.flush(nowNs: nowNs) || client.closed else { return false }
            if let reason = client.disconnectReason { log.warning("control socket: disconnecting a client: \(reason)") }
            closeDescriptor(client.fd)
            return true
        }
    }

    /// Closes every client and the socket, removes the path, and lets go of the lock.
    func shutDown() {
        for client in clients { closeDescriptor(client.fd) }
        clients.removeAll()
        closeDescriptor(listenFD)
        unlink(path)
        if spareFD >= 0 { closeDescriptor(spareFD) }
        closeDescriptor(lockFD)
    }
}
