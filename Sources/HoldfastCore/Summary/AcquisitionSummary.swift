/// A sensor's own account of a session: what the acquisition read, what went
/// wrong and how it recovered. Kept by HoldfastSensors, written in session summaries.
public struct AcquisitionSummary: Sendable, Equatable {
    public var samples: Int
    public var errors: Int
    public var recoveries: Int
    public var gaps: Int
    public var longestGapNs: Int64
    /// Samples read without a data-ready edge.
    public var polled: Int
    public var saturated: Int
    public init(samples: Int, errors: Int, recoveries: Int, gaps: Int, longestGapNs: Int64, polled: Int, saturated: Int) {
        self.samples = samples
        self.errors = errors
        self.recoveries = recoveries
        self.gaps = gaps
        self.longestGapNs = longestGapNs
        self.polled = polled
        self.saturated = saturated
    }
}
