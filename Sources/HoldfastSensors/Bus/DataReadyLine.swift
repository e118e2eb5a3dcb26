import HoldfastPOSIX

/// Which edge of the data-ready line marks a new conversion.
public enum Edge: Sendable, Equatable {
    case rising, falling
}

/// What waiting on the data-ready line gave.
public enum EdgeWait: Sendable, Equatable {
    /// An edge, with the kernel's CLOCK_MONOTONIC timestamp of the interrupt.
    case edge(timestampNs: Int64)
    case timeout
}

/// A failed GPIO operation.
public struct GPIOError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    /// The chip and line, e.g. "/dev/gpiochip0 line 17".
    public let line: String
    public let errno: Int32

    public init(_ operation: String, line: String, errno: Int32) {
        self.operation = operation
        self.line = line
        self.errno = errno
    }

    public var description: String { "\(line): \(operation) failed: \(SystemError.describe(errno))" }
}

/// The converter's data-ready output, seen as edge events.
public protocol DataReadyLine: AnyObject {
    var name: String { get }
    func waitForEdge(timeoutNs: Int64) throws(GPIOError) -> EdgeWait
}

/// A monotonic clock the acquisition can read and sleep on: CLOCK_MONOTONIC
/// live, a virtual clock in emulation and tests.
public protocol MonotonicClock: AnyObject, Sendable {
    func nowNs() -> Int64
    func sleep(untilNs: Int64)
}

/// CLOCK_MONOTONIC, the clock the kernel stamps GPIO edge events with.
public final class SystemMonotonicClock: MonotonicClock, Sendable {
    public init() {}

    public func nowNs() -> Int64 { monotonicNanoseconds() }

    /// An absolute deadline, so a sleep interrupted by a signal resumes toward the same
    /// time. A deadline before zero (EINVAL) returns at once, as one already past would.
    public func sleep(untilNs: Int64) {
        var ts = timespec(tv_sec: Int(untilNs / 1_000_000_000), tv_nsec: Int(untilNs % 1_000_000_000))
        _ = nothingOrErrno { clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) }
    }
}
