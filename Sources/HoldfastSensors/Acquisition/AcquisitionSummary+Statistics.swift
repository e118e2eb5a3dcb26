import HoldfastCore

extension AcquisitionSummary {
    /// The figures the acquisition loop kept.
    public init(_ s: AcquisitionStatistics.Snapshot) {
        self.init(samples: s.samples, errors: s.errors, recoveries: s.recoveries, gaps: s.gaps,
                  longestGapNs: s.longestGapNs, polled: s.polledSamples, saturated: s.saturated)
    }
}
