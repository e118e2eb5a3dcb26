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
        let result = pthread_create(&handle, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw SystemError("pthread_create", name, errno: result)
        }
        thread = handle
    }

    /// Waits for the thread to finish. Idempotent.
    public func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }

    deinit {
        // A thread that was never joined keeps running detached rather than leaking.
        if !joined { pthread_detach(thread) }
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

