import Synchronization

/// A POSIX thread that must be joined: the structured way to run the two
/// sides of a ring on two cores.
///
/// The body is `sending`: whatever it captures is handed over, and the
/// compiler refuses any later use of a non-`Sendable` value it took (the
/// loop objects the threads run are plain classes, not `@unchecked
/// Sendable`). `join()` returns the body's result and gives the caller a
/// happens-before edge with everything the thread did.
public final class JoinableThread<Result: Sendable> {
    private let thread: pthread_t
    private let run: Run
    private var joined = false

    /// Starts `body` on a new thread; `name` appears in errors.
    public init(name: String, _ body: sending @escaping () -> Result) throws(SystemError) {
        run = Run(body)
        thread = try startThread(name: name, run)
    }

    /// Waits for the thread to finish and returns what its body returned. Idempotent.
    @discardableResult
    public func join() -> Result {
        if !joined {
            joined = true
            // ESRCH, EINVAL, EDEADLK: a thread that is not ours to join. Our bug, and going on
            // without the happens-before edge the join gives would race: trap.
            if case .failure(let e) = nothingOrErrno({ pthread_join(thread, nil) }) { preconditionFailure("pthread_join: \(e)") }
        }
        // The body has returned (pthread_join orders its writes before this read).
        return run.result.withLock { $0! }
    }

    deinit {
        // A thread that was never joined keeps running detached rather than leaking.
        if !joined { _ = nothingOrErrno { pthread_detach(thread) } }
    }

    /// The body, run once on the new thread, and its result.
    private final class Run: ThreadMain {
        private var body: (() -> Result)?
        let result = Mutex<Result?>(nil)
        init(_ body: sending @escaping () -> Result) { self.body = body }
        func main() {
            let value = body?()
            body = nil  // what it captured is released on its own thread
            result.withLock { $0 = value }
        }
    }
}

/// What a new thread runs. Kept apart from the generic class: Swift 6.3's
/// region checker crashes on a `pthread_create` closure in an initializer
/// that takes a `sending` parameter.
private protocol ThreadMain: AnyObject { func main() }

/// Starts the thread with every asynchronous signal blocked (it inherits the mask
/// it is created with): signals belong to the thread that waits for them on a
/// signalfd (the daemon's and the watch's event loops). Otherwise the kernel may
/// pick a worker started before the signals were blocked (the log writer, a label
/// feeder) for a SIGTERM, whose default action ends the process before it
/// closes its session. Faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) stay
/// open, so a crash in any thread still reaches the runtime's backtracer.
private func startThread(name: String, _ entry: any ThreadMain) throws(SystemError) -> pthread_t {
    final class Context { let entry: any ThreadMain; init(_ entry: any ThreadMain) { self.entry = entry } }
    let context = Unmanaged.passRetained(Context(entry)).toOpaque()
    var handle = pthread_t()
    var workerMask = sigset_t(), callersMask = sigset_t()
    sigfillset(&workerMask)
    for fault in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP] { sigdelset(&workerMask, fault) }
    pthread_sigmask(SIG_BLOCK, &workerMask, &callersMask)
    defer { pthread_sigmask(SIG_SETMASK, &callersMask, nil) }
    let created = nothingOrErrno {
        pthread_create(&handle, nil, { context in
            Unmanaged<Context>.fromOpaque(context!).takeRetainedValue().entry.main()
            return nil
        }, context)
    }
    do { try created.get("pthread_create", name) } catch {
        Unmanaged<Context>.fromOpaque(context).release()
        throw error
    }
    return handle
}

/// One value handed from the thread that made it to the thread that runs it,
/// exactly once. The compiler checks the hand-over: `init` takes the value
/// `sending` (the maker keeps no reference), `take` returns it `sending`.
/// For objects made in one method and started in another (the daemon makes
/// its loops when it is built and starts them in `run`).
public final class Handoff<Value>: Sendable {
    // Not a Mutex<Value?>: Swift 6.0.3's IRGen crashes on one in a generic class initialised
    // from the parameter ("Not a nested archetype"). The flag makes `take` once-only; the value
    // is written only here, before the Handoff can reach another thread, and read only by the
    // one `take` that wins the flag.
    private nonisolated(unsafe) var value: Value?
    private let taken = Atomic<Bool>(false)

    public init(_ value: consuming sending Value) { self.value = value }

    /// The value, the first time; nil after.
    public func take() -> sending Value? {
        guard !taken.exchange(true, ordering: .acquiringAndReleasing) else { return nil }
        let result = value
        value = nil
        return result
    }
}

/// Gives up the processor; a spinning side of a ring uses it when there is nothing to do.
@inline(__always)
public func yieldProcessor() { sched_yield() }
