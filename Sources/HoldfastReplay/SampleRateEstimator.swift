/// The nominal sample rate of a trace, from its first intervals.
///
/// The filter must be designed before the stream starts, and a trace may
/// have jitter and dropouts: the median of the first few hundred positive
/// intervals ignores both.
public enum SampleRateEstimator {
    public static let intervals = 256

    /// The rate in Hz, or nil if fewer than two distinct times were given.
    public static func estimate(timestampsNs: [Int64]) -> Double? {
        var deltas: [Int64] = []
        for i in timestampsNs.indices.dropFirst() {
            let d = timestampsNs[i] - timestampsNs[i - 1]
            if d > 0 { deltas.append(d) }
        }
        guard !deltas.isEmpty else { return nil }
        deltas.sort()
        let median = deltas.count % 2 == 1
            ? Double(deltas[deltas.count / 2])
            : Double(deltas[deltas.count / 2 - 1] + deltas[deltas.count / 2]) / 2
        // Round to 0.01 Hz so that tiny jitter in the median cannot change the filter design.
        return (1e9 / median * 100).rounded() / 100
    }
}
