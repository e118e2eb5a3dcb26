import HoldfastTrace
import HoldfastCore
import HoldfastPOSIX

/// The force on the sensor over emulated time.
public protocol ForceSource: AnyObject {
    /// Newtons at `timeNs`, or nil once the source has ended.
    func force(atNs timeNs: Int64) -> Double?
}

/// A recorded trace as the force on the sensor: rows are streamed from the
/// file and interpolated linearly; point labels are reported as the
/// emulated time passes them, and the client's signals (`ppt` rows) as they
/// are read (a little ahead of the time: a button line schedules them).
/// Times must be asked in non-decreasing order.
public final class TraceForceSource: ForceSource {
    private let reader: TraceReader
    private let onPoint: (Int64, String) -> Void
    private let onSignal: (Int64) -> Void
    private var buffer = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: 4096)
    private var count = 0
    private var index = 0
    private var ended = false
    /// The first read error, if the trace turned out to be malformed part-way.
    public private(set) var error: TraceError?
    public private(set) var firstNs: Int64?

    public init(reader: TraceReader, onPoint: @escaping (Int64, String) -> Void,
                onSignal: @escaping (Int64) -> Void = { _ in }) {
        self.reader = reader
        self.onPoint = onPoint
        self.onSignal = onSignal
        refill()
        firstNs = count > 0 ? buffer[0].timestampNs : nil
    }

    public func force(atNs timeNs: Int64) -> Double? {
        // Advance until buffer[index] ≤ t < buffer[index + 1].
        while true {
            if index + 1 >= count {
                guard !ended else { return nil }
                let keep = count > 0 ? buffer[count - 1] : nil
                refill(keeping: keep)
                if count < 2 { return nil }
                continue
            }
            if buffer[index + 1].timestampNs <= timeNs { index += 1; continue }
            break
        }
        let (a, b) = (buffer[index], buffer[index + 1])
        guard timeNs >= a.timestampNs else { return Double(a.raw) * TraceReader.countNewtons }
        // In Double: two rows of a trace may be further apart than an Int64 difference holds (-9e9 s, 9e9 s).
        let span = Double(b.timestampNs) - Double(a.timestampNs)
        let fraction = span > 0 ? (Double(timeNs) - Double(a.timestampNs)) / span : 1
        return (Double(a.raw) + fraction * Double(b.raw - a.raw)) * TraceReader.countNewtons
    }

    private func refill(keeping last: Sample? = nil) {
        var start = 0
        if let last { buffer[0] = last; start = 1 }
        do {
            // Result keeps the error typed: Swift 6.0's withUnsafeMutableBufferPointer is `rethrows`.
            let n = try buffer.withUnsafeMutableBufferPointer { b in
                Result { () throws(TraceError) -> Int in
                    try reader.read(into: UnsafeMutableBufferPointer(rebasing: b[start...]), onPoint: onPoint)
                }
            }.get()
            count = start + n
            if n == 0 { ended = true }
            for i in start..<count where buffer[i].flags.contains(.signal) { onSignal(buffer[i].timestampNs) }
        } catch {
            self.error = error
            count = start
            ended = true
        }
        index = 0
    }
}
