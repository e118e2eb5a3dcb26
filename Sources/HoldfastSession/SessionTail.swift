import HoldfastCore
import HoldfastJSON
import HoldfastPOSIX

/// How far a reader of a growing session file has got: the byte after the
/// last complete line it took, and how many lines that was (blank ones
/// included, so that `lines` is also the number of the last line taken).
public struct SessionPosition: Equatable, Sendable {
    public var offset: Int64
    public var lines: Int

    public init(offset: Int64 = 0, lines: Int = 0) {
        self.offset = offset
        self.lines = lines
    }

    public static let start = SessionPosition()
}

/// One complete line of a session file: its number (1 for the header), where
/// it starts, and its bytes without the newline. Any record type, known or
/// not, is a line: whoever copies a session elsewhere keeps it whole.
public struct SessionLine: Sendable, Equatable {
    public let number: Int
    public let offset: Int64
    public let bytes: [UInt8]

    public init(number: Int, offset: Int64, bytes: [UInt8]) {
        self.number = number
        self.offset = offset
        self.bytes = bytes
    }

    /// The line's record type, or nil if the line is not a JSON object with a string `type`.
    public var recordType: String? { JSON.object(from: bytes)?["type"] as? String }
}

/// Reads the complete lines of a session file from a position on, for a
/// reader that follows the file while the daemon writes it (the sync).
///
/// Only lines that end in a newline are taken: a last line without one may be
/// half-written and is left for a later read, when it has its newline (or
/// stays torn for ever, after a crash: then it is not a record). Blank lines
/// are skipped but counted, so line numbers are the file's. The file is only
/// ever read, with `pread`, and at most `maxBytes` (plus one line) at a time.
public enum SessionTail {
    public struct Chunk: Sendable {
        /// The non-blank complete lines read, in order.
        public var lines: [SessionLine] = []
        /// Where the next read starts: after the last complete line taken.
        public var position: SessionPosition
        /// The file's size when it was read.
        public var fileSize: Int64
        /// False when the read stopped at `maxLines` or `maxBytes` before the last complete line.
        public var reachedEnd = true
    }

    /// Up to `maxLines` complete lines from `position`; throws naming the file
    /// and line if the file cannot be read, is smaller than `position` (it was
    /// truncated or replaced: session files only grow), or has a line longer
    /// than `SessionFile.maxLineBytes`.
    public static func read(path: String, from position: SessionPosition, maxLines: Int = .max,
                            maxBytes: Int = 1 << 20) throws(SessionReadError) -> Chunk {
        let fd = try open(path)
        defer { closeDescriptor(fd) }
        let info: stat
        switch fileStatus(descriptor: fd) {
        case .success(let found): info = found
        case .failure(let e): throw SessionReadError(path: path, reason: "cannot read: \(e)")
        }
        let size = Int64(info.st_size)
        guard size >= position.offset else {
            throw SessionReadError(path: path, reason: "is \(size) bytes, shorter than the \(position.offset) already read: "
                                   + "truncated or replaced (session files only grow)")
        }
        var chunk = Chunk(position: position, fileSize: size)
        var lines = LineBuffer(maxLineBytes: SessionFile.maxLineBytes)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var readOffset = position.offset
        var lineStart = position.offset
        var taken = 0
        while readOffset < size {
            let want = Int(min(Int64(buffer.count), size - readOffset))
            let n = try readAt(fd, path, &buffer, count: want, offset: readOffset)
            if n == 0 { break }  // shrank while we read: what is there is read next time
            readOffset += Int64(n)
            buffer.withUnsafeBytes { lines.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            while let next = lines.nextLine() {
                guard case .success(let line) = next else {
                    throw SessionReadError(path: path, reason: "line \(chunk.position.lines + 1): longer than "
                                           + "\(SessionFile.maxLineBytes) bytes: not a session record")
                }
                let number = chunk.position.lines + 1
                if !line.isEmpty { chunk.lines.append(SessionLine(number: number, offset: lineStart, bytes: Array(line))) }
                lineStart += Int64(line.count + 1)
                chunk.position = SessionPosition(offset: lineStart, lines: number)
                taken += line.count + 1
                if chunk.lines.count >= maxLines || taken >= maxBytes {
                    chunk.reachedEnd = chunk.position.offset == size
                    return chunk
                }
            }
        }
        return chunk
    }

    /// How many complete lines follow `position` (blank ones too): a count, not a parse.
    public static func linesAfter(path: String, position: SessionPosition) throws(SessionReadError) -> Int {
        let fd = try open(path)
        defer { closeDescriptor(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset = position.offset
        var count = 0
        while true {
            let n = try readAt(fd, path, &buffer, count: buffer.count, offset: offset)
            if n == 0 { return count }
            offset += Int64(n)
            for byte in buffer[..<n] where byte == UInt8(ascii: "\n") { count += 1 }
        }
    }

    private static func open(_ path: String) throws(SessionReadError) -> Int32 {
        do { return try openRegularFileForReading(path: path) } catch {
            throw SessionReadError(path: path, reason: "cannot read: \(error.reason)")
        }
    }

    private static func readAt(_ fd: Int32, _ path: String, _ buffer: inout [UInt8], count: Int,
                               offset: Int64) throws(SessionReadError) -> Int {
        do {
            return try retryingOnInterrupt("read", path) {
                buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            }
        } catch {
            throw SessionReadError(path: path, reason: "cannot read: \(error.reason)")
        }
    }
}
