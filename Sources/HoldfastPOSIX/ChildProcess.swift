/// A child process started with posix_spawn, its standard output and error
/// sent to /dev/null: `holdfast demo` runs the daemon beside its live view.
/// Owns the child: `terminate()` (or deinit) stops and reaps it once.
public final class ChildProcess {
    public let pid: pid_t
    private var reaped = false
    /// How it ended, once reaped: its exit status, or 128 + the signal that ended it (as a shell says).
    public private(set) var exitStatus: Int32?

    /// `keepStandardError`: the child writes its errors where this process does
    /// (`holdfast report` lets holdfast-sync's messages through), not to /dev/null.
    public init(path: String, arguments: [String], keepStandardError: Bool = false) throws(SystemError) {
        var actions = posix_spawn_file_actions_t()
        try nothingOrErrno { posix_spawn_file_actions_init(&actions) }.get("spawn", path)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try nothingOrErrno { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }.get("spawn", path)
        if !keepStandardError {
            try nothingOrErrno { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }.get("spawn", path)
        }
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
        case .success: ended(status)
        case .failure: reaped = true
        }
        return false
    }

    /// Waits for the child to end by itself and returns ``exitStatus`` (nil if
    /// it was reaped elsewhere, ECHILD, so how it ended is not known).
    public func waitForExit() -> Int32? {
        guard !reaped else { return exitStatus }
        var status: Int32 = 0
        switch valueOrErrno({ waitpid(pid, &status, 0) }) {
        case .success: ended(status)
        case .failure: reaped = true
        }
        return exitStatus
    }

    /// Records a wait status (WIFEXITED and WTERMSIG are C macros Swift does not import).
    private func ended(_ status: Int32) {
        reaped = true
        exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// SIGTERM, then waits for it to end. Idempotent. Never signals a child already
    /// reaped: its pid may belong to another process by now.
    public func terminate() {
        guard isRunning else { return }
        _ = valueOrErrno { kill(pid, SIGTERM) }  // ESRCH: it has just ended; the wait below reaps it
        _ = waitForExit()  // ECHILD: reaped elsewhere; either way it is gone
    }
}
