/// CLOCK_MONOTONIC in nanoseconds: the clock the kernel stamps GPIO edge
/// events with, and the one every timeout here is measured on.
public func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    // Fails only with EINVAL or EFAULT: our bug.
    if case .failure(let e) = valueOrErrno({ clock_gettime(CLOCK_MONOTONIC, &ts) }) { preconditionFailure("clock_gettime: \(e)") }
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// CLOCK_REALTIME in seconds since 1970: for timestamps people and other
/// machines read (a status's "updated at", a lag in seconds), never for timeouts.
@Sendable public func wallClockSeconds() -> Double {
    var ts = timespec()
    // Fails only with EINVAL or EFAULT: our bug.
    if case .failure(let e) = valueOrErrno({ clock_gettime(CLOCK_REALTIME, &ts) }) { preconditionFailure("clock_gettime: \(e)") }
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
