import HoldfastCore

import HoldfastPOSIX

/// Streams a force trace (CSV) into samples, a chunk at a time.
///
/// Format: `#` comment lines anywhere (`# key: value` comments before the
/// header are kept as metadata, up to ``maxMetadataEntries`` entries of at
/// most ``maxMetadataBytes`` bytes; further ones are comments like any other);
/// a header `time_s,force_n[,point][,event]`; then one row per
/// sample. Time is in seconds and non-decreasing; force in newtons. A
/// non-empty `point` sets the current point label from that row on; `event`
/// is empty or `ppt` (the client signalled "now" at this row: the sample
/// carries ``SampleFlags/signal``). Fields are not quoted; trailing empty
/// fields may be left out.
///
/// The trace's sensor is ideal: one count is ``countNewtons`` (0.1 mN), and
/// values are parsed exactly into counts, so replay is bit-reproducible.
///
/// Speed: rows of the common shape (`12.345678,0.1234,` — plain digits, a
/// point, no spaces, no label) are parsed in one pass straight from the read
/// buffer into scaled integers; any other line goes to the general parser
/// (``DecimalText``), which gives the same value for every row the fast path
/// takes. Memory is one read buffer and the bounded metadata, whatever the input.
public final class TraceReader {
    /// Newtons per count of the trace's ideal sensor.
    public static let countNewtons = 1e-4
    /// `# key: value` lines kept as metadata at most; later ones are ignored (and counted).
    public static let maxMetadataEntries = 256
    /// Longest metadata line kept, in bytes after the `#`.
    public static let maxMetadataBytes = 1024
    static let countScale = 4      // decimal places of a count
    static let timeScale = 9       // nanoseconds
    static let chunkSize = 1 << 20
    static let maxForceCounts: Int64 = 8000 * 10_000

    public let path: String
    public private(set) var metadata: [(key: String, value: String)] = []
    /// `# key: value` lines before the header that were not kept (beyond the bounds).
    public private(set) var ignoredMetadata = 0
    public private(set) var hasPointColumn = false
    public private(set) var hasEventColumn = false
    /// Columns after `force_n` (point, event): the fast path skips that many empty fields.
    private var extraColumns: Int { (hasPointColumn ? 1 : 0) + (hasEventColumn ? 1 : 0) }
    /// The values the `event` column takes.
    public static let events = ["ppt"]

    private let fd: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private var start = 0      // first unparsed byte
    private var end = 0        // one past the last byte read; buffer[end] == 0
    private var atEOF = false
    private var lineNumber = 0
    private var previousTimeNs = Int64.min

    public init(path: String) throws(TraceError) {
        self.path = path
        do { fd = try openRegularFileForReading(path: path) } catch {
            switch error {
            case .system(let e): throw TraceError(path: path, line: nil, reason: .cannotOpen(errno: e.errno))
            case .notARegularFile(_, let kind): throw TraceError(path: path, line: nil, reason: .notARegularFile(kind: kind))
            }
        }
        // One byte more than a chunk: the zero after the data that stops the fast path.
        buffer = .allocate(capacity: Self.chunkSize + 1)
        buffer.initialize(repeating: 0, count: Self.chunkSize + 1)
        // Fully initialised from here: if the header is bad, deinit closes and frees (exactly once).
        try readHeader()
    }

    deinit {
        closeDescriptor(fd)
        buffer.deallocate()
    }

    /// Fills `samples` with the next rows; calls `onPoint(timeNs, label)` when a row
    /// sets a point label (before that row's sample is delivered). Returns how
    /// many samples were written; 0 means the trace has ended.
    public func read(
        into samples: UnsafeMutableBufferPointer<Sample>,
        onPoint: (Int64, String) -> Void
    ) throws(TraceError) -> Int {
        var count = 0
        while count < samples.count {
            count = fastRows(into: samples, from: count)
            if count == samples.count { break }
            // A line the fast path left: a comment, a label, another number shape, an
            // error, or the end of the buffered data (nextLine reads more).
            guard let line = try nextLine() else { break }
            guard let row = try parseRow(line, onPoint: onPoint) else { continue }
            samples[count] = row
            count += 1
        }
        return count
    }

    // MARK: Fast path

    /// Parses rows of the shape `d{1,10}.d{1,9},-?d{1,4}.d{1,4}` ending in `\n` or
    /// `\r\n`, after empty point and event fields (`,`) if the trace has those columns, straight from the buffer,
    /// and stops at the first line that differs or fails a check, leaving it to
    /// the general parser. Returns the new sample count.
    ///
    /// No bounds checks: every step needs a digit, `.`, `,`, `-`, `\r` or `\n`,
    /// and the zero after the buffered data is none of them.
    private func fastRows(into samples: UnsafeMutableBufferPointer<Sample>, from first: Int) -> Int {
        guard let out = samples.baseAddress else { return first }
        var p = UnsafePointer(buffer + start)
        var count = first
        var previous = previousTimeNs
        var lines = 0
        let extras = extraColumns
        while count < samples.count {
            // Time: 1–10 whole digits, small enough that seconds × 10⁹ + fraction fits
            // in an Int64, a point, then 1–9 decimals.
            var q = p
            var seconds: Int64 = 0
            let wholeSeconds = Self.digits(&q, into: &seconds)
            guard wholeSeconds >= 1, wholeSeconds <= 10, seconds <= 9_223_372_035,
                  q.pointee == UInt8(ascii: ".") else { break }
            q += 1
            var fraction: Int64 = 0
            let fractionDigits = Self.digits(&q, into: &fraction)
            guard fractionDigits >= 1, fractionDigits <= 9, q.pointee == UInt8(ascii: ",") else { break }
            let timeNs = seconds &* 1_000_000_000 &+ fraction &* Self.powerOfTen(9 - fractionDigits)
            q += 1

            // Force: an optional minus, 1–4 digits, a point, 1–4 decimals, read as one count.
            let negative = q.pointee == UInt8(ascii: "-")
            if negative { q += 1 }
            var counts: Int64 = 0
            let wholeDigits = Self.digits(&q, into: &counts)
            guard wholeDigits >= 1, wholeDigits <= 4, q.pointee == UInt8(ascii: ".") else { break }
            q += 1
            let decimals = Self.digits(&q, into: &counts)
            guard decimals >= 1, decimals <= 4 else { break }
            counts = counts &* Self.powerOfTen(4 - decimals)

            // The line's end, perhaps after empty point and event fields.
            var empty = extras
            while empty > 0 && q.pointee == UInt8(ascii: ",") { q += 1; empty -= 1 }
            if q.pointee == UInt8(ascii: "\r") { q += 1 }
            guard q.pointee == UInt8(ascii: "\n") else { break }
            guard counts <= Self.maxForceCounts, timeNs >= previous else { break }  // the general path says why
            previous = timeNs
            out[count] = Sample(timestampNs: timeNs, raw: Int32(truncatingIfNeeded: negative ? 0 &- counts : counts))
            count &+= 1
            lines &+= 1
            p = q + 1
        }
        start = UnsafeMutablePointer(mutating: p) - buffer
        previousTimeNs = previous
        lineNumber += lines
        return count
    }

    /// Appends the decimal digits at `q` to `value` and moves `q` past them; returns how many.
    /// Wraps silently on more than 18 digits: callers bound the count before trusting `value`.
    @inline(__always)
    private static func digits(_ q: inout UnsafePointer<UInt8>, into value: inout Int64) -> Int {
        let first = q
        var d = q.pointee &- UInt8(ascii: "0")
        while d < 10 {
            value = value &* 10 &+ Int64(d)
            q += 1
            d = q.pointee &- UInt8(ascii: "0")
        }
        return q - first
    }

    @inline(__always)
    private static func powerOfTen(_ n: Int) -> Int64 {
        switch n {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
    }

    // MARK: Lines

    /// The next line's bytes (without the line ending), or nil at end of file.
    private func nextLine() throws(TraceError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if start < end, let found = memchr(buffer + start, Int32(UInt8(ascii: "\n")), end - start) {
                let newline = found.assumingMemoryBound(to: UInt8.self) - buffer
                lineNumber += 1
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: buffer + start, count: lineEnd - start)
                start = newline + 1
                return line
            }
            if atEOF {
                guard start < end else { return nil }
                lineNumber += 1
                let line = UnsafeBufferPointer(start: buffer + start, count: end - start)
                start = end
                return line
            }
            try refill()
        }
    }

    /// Moves the unparsed tail to the front and reads more after it.
    private func refill() throws(TraceError) {
        let remaining = end - start
        if remaining == Self.chunkSize {
            throw TraceError(path: path, line: lineNumber + 1, reason: .lineTooLong(limit: Self.chunkSize))
        }
        if start > 0 {
            buffer.update(from: buffer + start, count: remaining)
            start = 0
            end = remaining
        }
        switch valueOrErrno({ systemRead(fd, buffer + end, Self.chunkSize - end) }) {
        case .success(let n):
            if n == 0 { atEOF = true }
            end += n
            buffer[end] = 0  // the fast path's sentinel
        case .failure(let e):
            buffer[end] = 0
            throw TraceError(path: path, line: nil, reason: .readFailed(errno: e.code))
        }
    }

    // MARK: Header

    private func readHeader() throws(TraceError) {
        while let line = try nextLine() {
            let trimmed = Self.trim(line, skippingBOM: lineNumber == 1)
            if trimmed.isEmpty { continue }
            if trimmed[0] == UInt8(ascii: "#") {
                recordMetadata(UnsafeBufferPointer(rebasing: trimmed.dropFirst()))
                continue
            }
            let text = String(decoding: trimmed, as: UTF8.self)
            let columns = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0.trimmingCharacters) }
            let extra = columns.dropFirst(2)
            if columns.starts(with: ["time_s", "force_n"]), [[], ["point"], ["event"], ["point", "event"]].contains(Array(extra)) {
                hasPointColumn = extra.contains("point")
                hasEventColumn = extra.contains("event")
            } else {
                throw TraceError(path: path, line: lineNumber, reason: .missingHeader(found: Self.quoted(trimmed, limit: 80)))
            }
            return
        }
        throw TraceError(path: path, line: nil, reason: lineNumber == 0 ? .empty : .missingHeader(found: ""))
    }

    /// Keeps `key: value` (the bytes after `#`) while within the bounds; ignores it otherwise.
    private func recordMetadata(_ line: UnsafeBufferPointer<UInt8>) {
        guard line.contains(UInt8(ascii: ":")) else { return }  // a plain comment
        guard metadata.count < Self.maxMetadataEntries, line.count <= Self.maxMetadataBytes else {
            ignoredMetadata += 1
            return
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return }
        let key = String(text[..<colon].trimmingCharacters)
        let value = String(text[text.index(after: colon)...].trimmingCharacters)
        guard !key.isEmpty, !key.contains(" ") else { return }
        metadata.append((key, value))
    }

    // MARK: Rows

    private func parseRow(_ line: UnsafeBufferPointer<UInt8>, onPoint: (Int64, String) -> Void) throws(TraceError) -> Sample? {
        let row = Self.trim(line, skippingBOM: false)
        if row.isEmpty || row[0] == UInt8(ascii: "#") { return nil }
        // Split into the fields: time, force, then point and event if the trace has them.
        var commas: (Int, Int, Int) = (-1, -1, -1)
        var commaCount = 0
        for i in row.indices where row[i] == UInt8(ascii: ",") {
            commaCount += 1
            switch commaCount { case 1: commas.0 = i; case 2: commas.1 = i; case 3: commas.2 = i; default: break }
        }
        let columns = 2 + extraColumns
        guard (1...(columns - 1)).contains(commaCount) else {
            throw fail(.fieldCount(expected: columns == 2 ? "2" : columns == 3 ? "2 or 3" : "2 to 4", found: commaCount + 1))
        }
        // Where each field ends (no array: this path also takes every row with a label or a space).
        let end1 = commaCount >= 2 ? commas.1 : row.count, end2 = commaCount >= 3 ? commas.2 : row.count
        let timeField = Self.trim(UnsafeBufferPointer(rebasing: row[..<commas.0]), skippingBOM: false)
        let forceField = Self.trim(UnsafeBufferPointer(rebasing: row[(commas.0 + 1)..<end1]), skippingBOM: false)
        let third = commaCount >= 2 ? UnsafeBufferPointer(rebasing: row[(end1 + 1)..<end2]) : nil
        let fourth = commaCount >= 3 ? UnsafeBufferPointer(rebasing: row[(end2 + 1)...]) : nil

        let timeNs = try number(timeField, column: "time_s", scale: Self.timeScale)
        let counts = try number(forceField, column: "force_n", scale: Self.countScale)
        guard abs(counts) <= Self.maxForceCounts else {
            throw fail(.outOfRange(column: "force_n", text: Self.quoted(forceField)))
        }
        if timeNs < previousTimeNs {
            throw fail(.timeWentBackwards(previous: DecimalText.format(previousTimeNs, decimals: 9),
                                          now: DecimalText.format(timeNs, decimals: 9)))
        }
        previousTimeNs = timeNs
        var flags: SampleFlags = []
        if hasEventColumn, let event = hasPointColumn ? fourth : third {
            let text = Self.trim(event, skippingBOM: false)
            if !text.isEmpty {
                guard text.elementsEqual("ppt".utf8) else {
                    throw fail(.unknownEvent(text: Self.quoted(text), known: Self.events))
                }
                flags.insert(.signal)
            }
        }
        if hasPointColumn, let point = third {
            try setLabel(point, at: timeNs, onPoint: onPoint)
        }
        return Sample(timestampNs: timeNs, raw: Int32(counts), flags: flags)
    }

    /// Validates a point field and reports a non-empty label.
    private func setLabel(_ field: UnsafeBufferPointer<UInt8>, at timeNs: Int64, onPoint: (Int64, String) -> Void) throws(TraceError) {
        if Self.trim(field, skippingBOM: false).isEmpty { return }  // no label, and no String made
        guard let text = String(validating: field, as: UTF8.self) else {
            throw fail(.invalidLabel(label: Self.quoted(field), why: PointLabelError.invalidUTF8.description))
        }
        switch PointLabel.validate(text) {
        case .success(let label) where !label.isEmpty: onPoint(timeNs, label)
        case .success: break
        case .failure(let why): throw fail(.invalidLabel(label: Self.quoted(field), why: why.description))
        }
    }

    private func number(_ field: UnsafeBufferPointer<UInt8>, column: String, scale: Int) throws(TraceError) -> Int64 {
        switch DecimalText.parse(field, scale: scale) {
        case .success(let v): return v
        case .failure(let e):
            switch e {
            case .empty: throw fail(.emptyField(column: column))
            case .notANumber: throw fail(.notANumber(column: column, text: Self.quoted(field)))
            case .notFinite: throw fail(.notFinite(column: column, text: Self.quoted(field)))
            case .outOfRange: throw fail(.outOfRange(column: column, text: Self.quoted(field)))
            }
        }
    }

    private func fail(_ reason: TraceError.Reason) -> TraceError {
        TraceError(path: path, line: lineNumber, reason: reason)
    }

    /// Trace text as an error quotes it: control characters escaped, cut to `limit` characters.
    private static func quoted(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 40) -> String {
        TerminalText.escaped(bytes, limit: limit)
    }

    private static func trim(_ bytes: UnsafeBufferPointer<UInt8>, skippingBOM: Bool) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = bytes.count
        if skippingBOM && hi >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { lo = 3 }
        while lo < hi && (bytes[lo] == UInt8(ascii: " ") || bytes[lo] == UInt8(ascii: "\t")) { lo += 1 }
        while hi > lo && (bytes[hi - 1] == UInt8(ascii: " ") || bytes[hi - 1] == UInt8(ascii: "\t")) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }
}

/// `read(2)`, named apart from `TraceReader.read(into:onPoint:)`.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(fd, buffer, count)
}
