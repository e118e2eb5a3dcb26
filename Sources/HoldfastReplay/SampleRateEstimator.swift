/// The nominal sample rate of a trace, from its first seconds.
///
/// The filter must be designed before the stream starts, so the rate comes
/// from a prelude of the trace: the number of intervals over the time they
/// span. Unlike a median interval, that survives loggers that timestamp on
/// the host and deliver rows in bursts (five rows 0.2 ms apart every 16 ms
/// is 320 Hz, not 5 kHz), and jitter cancels out. Dropouts would lower it,
/// so intervals more than ``dropoutFactor`` times the mean are left out of
/// both the count and the span — bursts of up to that many rows still count
/// as they should.
public enum SampleRateEstimator {
    /// The prelude: rows read before the filter is designed (or the whole
    /// trace if shorter) — 4 s at 1 kHz, 13 s at 320 Hz: hundreds of bursts.
    public static let preludeRows = 4096
    /// An interval longer than this many mean intervals is a dropout.
    public static let dropoutFactor: Int64 = 16

    /// Why no rate could be estimated.
    public enum Failure: Error, Equatable {
        /// Fewer than two distinct times.
        case tooFewTimes
        /// Times so far apart that their difference does not fit 64-bit nanoseconds (±292 years).
        case spanTooLarge
    }

    /// The rate in Hz, rounded to 0.01 Hz so that the last digits of a
    /// timestamp cannot change the filter design. `timestampsNs` is non-decreasing.
    public static func estimate(timestampsNs times: [Int64]) -> Result<Double, Failure> {
        guard let first = times.first, let last = times.last, times.count >= 2 else { return .failure(.tooFewTimes) }
        let (span, overflow) = last.subtractingReportingOverflow(first)
        guard !overflow else { return .failure(.spanTooLarge) }
        guard span > 0 else { return .failure(.tooFewTimes) }
        let intervals = Int64(times.count - 1)
        // Leave out the dropouts, judged against the mean interval of the whole prelude.
        let longest = (span / intervals) * dropoutFactor
        var kept = intervals
        var keptSpan = span
        for i in times.indices.dropFirst() {
            let d = times[i] - times[i - 1]  // cannot overflow: within [first, last]
            if d > longest {
                kept -= 1
                keptSpan -= d
            }
        }
        guard kept > 0, keptSpan > 0 else { return .failure(.tooFewTimes) }
        let rate = Double(kept) * 1e9 / Double(keptSpan)
        return .success((rate * 100).rounded() / 100)
    }
}
