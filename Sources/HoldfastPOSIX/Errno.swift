#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// A failed system call: which operation, on what, and the C error.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// What we were doing, e.g. "open", "write", "fsync".
    public let operation: String
    /// What it was done to (a path, a device).
    public let subject: String
    public let errno: Int32
    /// Why, when the C error alone would not say it (e.g. "it is a FIFO, not a regular file").
    public let detail: String?

    public init(_ operation: String, _ subject: String, errno: Int32, detail: String? = nil) {
        self.operation = operation
        self.subject = subject
        self.errno = errno
        self.detail = detail
    }

    public var description: String { "\(subject): \(operation) failed: \(reason)" }

    /// The detail, or the C error's text with its number.
    public var reason: String { detail ?? Self.describe(errno) }

    /// strerror text with the number, e.g. "No space left on device (errno 28)".
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}

/// A C error number, as the funnel below returns it (swift-system's `Errno`,
/// without its ABI machinery). Each caller wraps it in its own error, which
/// says what failed and on what.
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }

    /// EBADF and EFAULT: a descriptor or pointer of ours was wrong. Our bug, not the
    /// system's: code that cannot go on safely traps on these ("trap or throw").
    public var isBug: Bool { code == EBADF || code == EFAULT }
    /// A non-blocking descriptor has nothing to give or no room now; try again later.
    public var wouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }

    public var description: String { SystemError.describe(code) }
}

// MARK: The errno funnel

/// The one place where a failed C call becomes an error: every libc, libi2c and
/// libgpiod call outside the daemon passes through here (as swift-system's
/// `valueOrErrno`). `call` runs again after EINTR unless `retryOnInterrupt` is
/// false (close(2), whose descriptor is gone even when interrupted);
/// `succeeded` gives the value of a successful result, nil for a failure;
/// `lastError` reads the error number (errno, or a syscall seam's own, so
/// tests can fail calls with a chosen one).
///
/// Not swift-system itself: it wraps file descriptors and paths, while most of
/// our calls are ioctl, libi2c, libgpiod, sockets, pthreads and posix_spawn,
/// and our seams carry their own error number; these few lines cover them all.
@inlinable @inline(__always)
func funnel<T, Value>(
    retryOnInterrupt: Bool, lastError: () -> Int32, _ call: () -> T, succeeded: (T) -> Value?
) -> Result<Value, Errno> {
    while true {
        if let value = succeeded(call()) { return .success(value) }
        let code = lastError()
        if retryOnInterrupt && code == EINTR { continue }
        return .failure(Errno(code))
    }
}

/// A call that returns a negative value (-1, or libi2c's -errno) and sets errno on failure.
@inlinable @inline(__always)
public func valueOrErrno<T: SignedInteger>(
    retryOnInterrupt: Bool = true, lastError: () -> Int32 = currentErrno, _ call: () -> T
) -> Result<T, Errno> {
    funnel(retryOnInterrupt: retryOnInterrupt, lastError: lastError, call) { $0 < 0 ? nil : $0 }
}

/// A call that returns a pointer, or nil and sets errno.
@inlinable @inline(__always)
public func valueOrErrno<T>(
    retryOnInterrupt: Bool = true, lastError: () -> Int32 = currentErrno, _ call: () -> T?
) -> Result<T, Errno> {
    funnel(retryOnInterrupt: retryOnInterrupt, lastError: lastError, call) { $0 }
}

/// A call that returns 0 or the error number itself (pthread_*, posix_spawn*, clock_nanosleep).
@inlinable @inline(__always)
public func nothingOrErrno(retryOnInterrupt: Bool = true, _ call: () -> Int32) -> Result<Void, Errno> {
    var returned: Int32 = 0
    return funnel(retryOnInterrupt: retryOnInterrupt, lastError: { returned }, call) { code -> Void? in
        returned = code
        return code == 0 ? () : nil
    }
}

/// errno, as a function (the funnel's default `lastError`).
@inlinable @inline(__always)
public func currentErrno() -> Int32 { errno }

extension Result where Failure == Errno {
    /// The value, or a ``SystemError`` naming the operation and what it was done to.
    @inlinable @inline(__always)
    public func get(_ operation: String, _ subject: String) throws(SystemError) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let e): throw SystemError(operation, subject, errno: e.code)
        }
    }
}

/// Runs a call that returns -1 and sets errno on failure, retrying on EINTR;
/// throws a ``SystemError`` naming `operation` and `subject`.
@inlinable @inline(__always)
public func retryingOnInterrupt<T: SignedInteger>(
    _ operation: String, _ subject: String, _ call: () -> T
) throws(SystemError) -> T {
    try valueOrErrno(call).get(operation, subject)
}
