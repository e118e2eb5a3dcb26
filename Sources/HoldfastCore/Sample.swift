/// One reading from the force sensor, as it travels through the ring.
///
/// Sixteen bytes and bitwise-copyable, so the ring moves samples with plain
/// loads and stores. The raw count is what the ADC (or the trace) produced;
/// conversion to force happens later in ``ForceCalibration``.
public struct Sample: BitwiseCopyable, Sendable, Equatable {
    /// Monotonic time of the reading in nanoseconds (CLOCK_MONOTONIC live,
    /// the trace's own time axis in replay).
    public var timestampNs: Int64
    /// The converter's count, sign-extended.
    public var raw: Int32
    /// Health markers carried inside the stream.
    public var flags: SampleFlags

    @inlinable
    public init(timestampNs: Int64, raw: Int32, flags: SampleFlags = []) {
        self.timestampNs = timestampNs
        self.raw = raw
        self.flags = flags
    }
}

/// Markers a sample source attaches so the stream reports its own health.
public struct SampleFlags: OptionSet, BitwiseCopyable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The converter reported its full-scale value: the force is at least this.
    public static let saturated = SampleFlags(rawValue: 1 << 0)
    /// Samples are missing before this one (a dropout or a bus error).
    public static let afterGap = SampleFlags(rawValue: 1 << 1)
    /// The client signalled "now" at this sample (a trace's `ppt` event): the contact is a PPT trial.
    public static let signal = SampleFlags(rawValue: 1 << 2)
}
