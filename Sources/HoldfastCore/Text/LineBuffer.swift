/// Splits a byte stream (a file read in chunks, a socket) into lines, holding
/// at most one line and one chunk: a stream without newlines (`/dev/zero`, a
/// 300 MB line from a socket) is reported as too long instead of filling memory.
public struct LineBuffer {
    /// The longest line accepted, without its newline.
    public let maxLineBytes: Int
    private var bytes: [UInt8] = []
    /// First byte not yet handed out as part of a line.
    private var start = 0
    /// Where to look for the next newline (everything before it from `start` has none).
    private var scanned = 0

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// A line that ran past `maxLineBytes` without a newline.
    public struct LineTooLong: Error, Equatable {
        public let maxLineBytes: Int
    }

    /// Bytes waiting that are not yet part of a complete line.
    public var pendingCount: Int { bytes.count - start }

    /// Adds bytes as read. Call `nextLine()` until it returns nil before adding more.
    public mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if start > 0 && start >= bytes.count / 2 {  // drop what was handed out, now and then
            bytes.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        bytes.append(contentsOf: chunk)
    }

    /// The next complete line without its "\n", nil when none is complete yet,
    /// or `LineTooLong` once more than `maxLineBytes` wait without a newline
    /// (the stream is then beyond repair: stop reading it).
    public mutating func nextLine() -> Result<ArraySlice<UInt8>, LineTooLong>? {
        if let newline = bytes[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
            guard newline - start <= maxLineBytes else { return .failure(LineTooLong(maxLineBytes: maxLineBytes)) }
            let line = bytes[start..<newline]
            start = newline + 1
            scanned = start
            return .success(line)
        }
        scanned = bytes.count
        return pendingCount > maxLineBytes ? .failure(LineTooLong(maxLineBytes: maxLineBytes)) : nil
    }

    /// What is left after the last newline: a last line that has none (at the end of a file).
    public mutating func remainder() -> ArraySlice<UInt8>? {
        guard pendingCount > 0 else { return nil }
        let rest = bytes[start...]
        start = bytes.count
        scanned = start
        return rest
    }
}
