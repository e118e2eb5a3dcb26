import HoldfastPOSIX
import Testing

@Suite("Joinable threads")
struct JoinableThreadTests {
    @Test func joinReturnsTheBodysResult() throws {
        let thread = try JoinableThread(name: "adder") { (1...100).reduce(0, +) }
        #expect(thread.join() == 5050)
        #expect(thread.join() == 5050)  // again: idempotent
    }

    /// Signals are the event loop's: a worker never takes a SIGTERM (whose default
    /// action would end the daemon before it closes its session), even when the
    /// thread that starts it has not blocked it. Faults stay open for the backtracer.
    @Test func workersStartWithSignalsBlockedButFaultsOpen() throws {
        var open = sigset_t(), before = sigset_t()
        sigemptyset(&open)
        sigaddset(&open, SIGTERM)
        sigaddset(&open, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &open, &before)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        let thread = try JoinableThread(name: "mask") { () -> [Int32: Bool] in
            var mask = sigset_t()
            pthread_sigmask(SIG_BLOCK, nil, &mask)
            var blocked: [Int32: Bool] = [:]
            for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE, SIGSEGV, SIGBUS, SIGILL, SIGFPE] {
                blocked[signal] = sigismember(&mask, signal) == 1
            }
            return blocked
        }
        let blocked = thread.join()
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE] { #expect(blocked[signal] == true, "signal \(signal)") }
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE] { #expect(blocked[signal] == false, "signal \(signal)") }
        // The caller's own mask is as it was.
        var now = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &now)
        #expect(sigismember(&now, SIGTERM) == 0)
    }
}
