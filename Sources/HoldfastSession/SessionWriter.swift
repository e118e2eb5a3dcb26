import HoldfastPOSIX

/// Writes a session file so that a complete session is never confused with
/// a half-written one: records go to `PATH.partial`; only `commit()` —
/// after the summary line and an fsync — renames it to `PATH`. A failed run
/// leaves `PATH.partial` with every hold recorded so far and an `error` line
/// saying why, and never touches `PATH`.
public final class SessionWriter {
    public let path: String
    public var partialPath: String { path + ".partial" }
    private let file: FileWriter
    private var finished = false

    public init(path: String) throws(SystemError) {
        self.path = path
        file = try FileWriter(creating: path + ".partial", mode: 0o640)
    }

    /// Appends one encoded record (one JSON line) and hands it to the kernel.
    public func append(_ line: [UInt8]) throws(SystemError) {
        try file.write(line)
        try file.flush()
    }

    /// Writes the summary, syncs, and publishes the file under its final name.
    public func commit(summary line: [UInt8]) throws(SystemError) {
        try file.write(line)
        try file.sync()
        try file.close()
        try renameDurably(partialPath, to: path)
        finished = true
    }

    /// Records why the session ended early and leaves the partial file in place.
    /// Best effort: if even this write fails (a full disk), the holds already
    /// flushed stay readable.
    public func abandon(reason: [UInt8]) {
        guard !finished else { return }
        finished = true
        try? file.write(reason)
        try? file.sync()
        try? file.close()
    }
}
