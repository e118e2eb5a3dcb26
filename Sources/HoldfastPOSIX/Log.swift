/// A log with levels, where the daemon's parts report what happened: the
/// shape of swift-log's `Logger` (`log.warning("…")`), which Holdfast does not
/// use because its only version here needs Swift tools 6.2 and the boards'
/// Debian Swift is 6.0. Levels are syslog's, so a journald prefix (`<4>`) is
/// the level's number.
public struct Log: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case error = 3, warning = 4, notice = 5, info = 6

        public static func < (a: Level, b: Level) -> Bool { a.rawValue > b.rawValue }  // error is the highest

        public var name: String {
            switch self {
            case .error: "error"
            case .warning: "warning"
            case .notice: "notice"
            case .info: "info"
            }
        }
    }

    private let sink: @Sendable (Level, String) -> Void

    public init(_ sink: @escaping @Sendable (Level, String) -> Void) { self.sink = sink }

    public func callAsFunction(_ level: Level, _ message: String) { sink(level, message) }
    public func error(_ message: String) { sink(.error, message) }
    public func warning(_ message: String) { sink(.warning, message) }
    public func notice(_ message: String) { sink(.notice, message) }
    public func info(_ message: String) { sink(.info, message) }

    /// A log that keeps nothing (replay, benchmarks).
    public static let discard = Log { _, _ in }
}
