import HoldfastSensors

/// A force source moved in time: what the trace had at `t - offset`.
final class ShiftedForceSource: ForceSource {
    let inner: ForceSource
    let offsetNs: Int64
    init(_ inner: ForceSource, offsetNs: Int64) {
        self.inner = inner
        self.offsetNs = offsetNs
    }
    func force(atNs timeNs: Int64) -> Double? {
        let (t, overflow) = timeNs.subtractingReportingOverflow(offsetNs)
        return overflow ? nil : inner.force(atNs: t)  // past the end of time: the trace has ended
    }
}
