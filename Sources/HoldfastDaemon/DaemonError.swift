/// Why the daemon could not start (it reports and exits non-zero); once
/// running, trouble is reported on the socket and in the log, never fatal.
public struct DaemonError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
