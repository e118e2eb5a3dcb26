/// CLOCK_MONOTONIC in nanoseconds: the clock the kernel stamps GPIO edge
/// events with, and the one every timeout here is measured on.
public func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    // Fails only with EINVAL or EFAULT: our bug.
    if case .failure(let e) = valueOrErrno({ clock_gettime(CLOCK_MONOTONIC, &ts) }) { preconditionFailure("clock_gettime: \(e)") }
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}
