/// A child process started with posix_spawn, its standard output and error
/// sent to /dev/null: `holdfast demo` runs the daemon beside its live view.
/// Owns the child: `terminate()` (or deinit) stops and reaps it once.
public final class ChildProcess {
    public let pid: pid_t
    private var reaped = false

    public init(path: String, arguments: [String]) throws(SystemError) {
        var actions = posix_spawn_file_actions_t()
        try nothingOrErrno { posix_spawn_file_actions_init(&actions) }.get("spawn", path)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try nothingOrErrno { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }.get("spawn", path)
        try nothingOrErrno { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }.get("spawn", path)
        // The child starts with no signal blocked and every handler at its default, whatever
        // this process had (a thread waiting on a signalfd blocks SIGTERM, and a blocked mask is inherited).
        var attributes = posix_spawnattr_t()
        try nothingOrErrno { posix_spawnattr_init(&attributes) }.get("spawn", path)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)  // cannot fail: no signal number is named
        sigfillset(&all)
        try nothingOrErrno { posix_spawnattr_setsigmask(&attributes, &none) }.get("spawn", path)
        try nothingOrErrno { posix_spawnattr_setsigdefault(&attributes, &all) }.get("spawn", path)
        try nothingOrErrno {
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        }.get("spawn", path)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        guard !argv.dropLast().contains(nil) else { throw SystemError("spawn", path, errno: ENOMEM) }
        var child: pid_t = 0
        try nothingOrErrno { posix_spawn(&child, path, &actions, &attributes, argv, environ) }.get("spawn", path)
        pid = child
    }

    deinit { terminate() }

    /// Whether the child is still running (reaps it if it has ended). A child that is
    /// no longer ours to wait for (ECHILD: reaped elsewhere) has ended too.
    public var isRunning: Bool {
        guard !reaped else { return false }
        var status: Int32 = 0
        switch valueOrErrno({ waitpid(pid, &status, WNOHANG) }) {
        case .success(0): return true
        case .success, .failure: reaped = true
        }
        return false
    }

    /// SIGTERM, then waits for it to end. Idempotent. Never signals a child already
    /// reaped: its pid may belong to another process by now.
    public func terminate() {
        guard isRunning else { return }
        _ = valueOrErrno { kill(pid, SIGTERM) }  // ESRCH: it has just ended; the wait below reaps it
        var status: Int32 = 0
        _ = valueOrErrno { waitpid(pid, &status, 0) }  // ECHILD: reaped elsewhere; either way it is gone
        reaped = true
    }
}
