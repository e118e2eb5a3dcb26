import HoldfastPOSIX

/// The session files in a board's state directory, as the sync sees them:
/// `*.jsonl` regular files, by name (the daemon names them by their UTC start,
/// so by name is by time). `.partial` files (a replay not yet finished, renamed
/// when it is), the daemon's `.holdfast-reserve` and anything else are not
/// sessions; the directory is only read.
public enum BoardDirectory {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let size: Int64
    }

    public static func sessionFiles(in directory: String) throws(SystemError) -> [Entry] {
        try directoryEntries(directory)
            .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }
            .sorted()
            .compactMap { name in regularFileSize(directory + "/" + name).map { Entry(name: name, size: $0) } }
    }
}
