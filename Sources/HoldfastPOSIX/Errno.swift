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

/// Runs a call that returns -1 and sets errno on failure, retrying on EINTR.
@inline(__always)
public func retryingOnInterrupt<T: SignedInteger>(
    _ operation: String, _ subject: String, _ call: () -> T
) throws(SystemError) -> T {
    while true {
        let result = call()
        if result >= 0 { return result }
        let code = errno
        if code != EINTR { throw SystemError(operation, subject, errno: code) }
    }
}
