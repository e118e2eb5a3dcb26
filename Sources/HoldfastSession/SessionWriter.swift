import HoldfastPOSIX

/// Writes a session file so that a complete session is never confused with
/// a half-written one: records go to `PATH.partial`; only `commit()` —
/// after the summary line and an fsync — renames it to `PATH`. A failed run
/// leaves `PATH.partial` with every hold recorded so far and an `error` line
/// saying why, and never touches `PATH`.
///
/// It writes only to a new regular file or replaces a regular file that is not
/// one of `sparing` (the input): `--session /dev/full` would otherwise rename
/// the result over the device node, and `--session trace.csv` over the trace.
/// The check is by device and inode, so another path to the input is caught,
/// and it is made again just before the rename.
public final class SessionWriter {
    public let path: String
    public var partialPath: String { path + ".partial" }
    private let file: FileWriter
    private let sparing: [FileIdentity]
    private var finished = false

    public init(path: String, sparing: [FileIdentity] = []) throws(SystemError) {
        self.path = path
        self.sparing = sparing
        try Self.checkTarget(path, sparing: sparing)
        file = try FileWriter(creating: path + ".partial", mode: 0o640)
    }

    /// Whether a session may be written to `path` (and its `.partial`) without harming `sparing`.
    public static func checkTarget(_ path: String, sparing: [FileIdentity]) throws(SystemError) {
        try requireReplaceable(path, sparing: sparing)
        try requireReplaceable(path + ".partial", sparing: sparing)
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
        try requireReplaceable(path, sparing: sparing)
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
