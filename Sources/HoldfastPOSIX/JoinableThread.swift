/// A POSIX thread that must be joined: the structured way to run the two
/// sides of a ring on two cores. Joining gives the caller a happens-before
/// edge with everything the thread did.
public final class JoinableThread {
    private var thread: pthread_t
    private var joined = false

    /// Starts `body` on a new thread; `name` appears in errors.
    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let box = Unmanaged.passRetained(Box(body: body, name: name))
        var handle = pthread_t()
        let created = nothingOrErrno {
            pthread_create(&handle, nil, { context in
                let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
                box.body()
                return nil
            }, box.toOpaque())
        }
        do { try created.get("pthread_create", name) } catch {
            box.release()
            throw error
        }
        thread = handle
    }

    /// Waits for the thread to finish. Idempotent.
    public func join() {
        guard !joined else { return }
        joined = true
        // ESRCH, EINVAL, EDEADLK: a thread that is not ours to join. Our bug, and going on
        // without the happens-before edge the join gives would race: trap.
        if case .failure(let e) = nothingOrErrno({ pthread_join(thread, nil) }) { preconditionFailure("pthread_join: \(e)") }
    }

    deinit {
        // A thread that was never joined keeps running detached rather than leaking.
        if !joined { _ = nothingOrErrno { pthread_detach(thread) } }
    }

    private final class Box {
        let body: @Sendable () -> Void
        let name: String
        init(body: @escaping @Sendable () -> Void, name: String) { self.body = body; self.name = name }
    }
}

/// Gives up the processor; a spinning side of a ring uses it when there is nothing to do.
@inline(__always)
public func yieldProcessor() { sched_yield() }

