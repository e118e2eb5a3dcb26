import HoldfastCore

/// A value that is not acceptable for its key.
public struct ConfigValueError: Error, Equatable {
    public let reason: String
    public init(reason: String) { self.reason = reason }
}

/// Where a configuration value came from.
public enum ConfigOrigin: Equatable, Sendable {
    /// A line of a configuration file.
    case file(String, line: Int)
    /// A command-line flag (`--rate-hz 320`).
    case flag(String)
    /// Nothing set it: the built-in default.
    case defaults
}

/// A configuration problem with its place. Its text is safe to print: control
/// characters from the file (a stray CR, an ESC) are shown escaped.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let origin: ConfigOrigin
    public let key: String
    public let reason: String

    public init(_ origin: ConfigOrigin, key: String, reason: String) {
        self.origin = origin
        self.key = key
        self.reason = reason
    }

    /// Bad flags are usage errors (exit 64); a bad file is bad input (exit 1).
    public var isUsageError: Bool {
        if case .flag = origin { return true }
        return false
    }

    public var description: String {
        let place = switch origin {
        case .file(let source, let line): "\(source):\(line): \(key)"
        case .flag(let flag): flag
        case .defaults: "configuration: \(key)"
        }
        return TerminalText.escaped("\(place): \(reason)", limit: 400)
    }
}
