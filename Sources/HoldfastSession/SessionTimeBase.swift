import HoldfastCore

/// The one place where what the core reports becomes a session record, so
/// that every time in a session file is on one time base: seconds since the
/// session's origin on the sensor's sample clock, and, for what is seen
/// through the filter (a hold's start and end, an alarm's crossing), corrected
/// for the filter's delay, so each record says when the *force* did it.
/// Therapist actions (a point label, a mark, a tare) and gaps in the samples
/// are on that clock already. Point labels are looked up at the hold's
/// corrected start: the label in effect when the force crossed.
public struct SessionTimeBase: Sendable {
    /// The session's zero on the sample clock (0 in replay: the trace's own axis).
    public let originNs: Int64
    /// The filter's delay, already taken off the detector's times.
    public let delayNs: Int64

    public init(originNs: Int64, delayNs: Int64) {
        self.originNs = originNs
        self.delayNs = delayNs
    }

    /// An event on the sample clock (a label, a mark, a tare, the first sample after a gap).
    public func time(ofSampleNs t: Int64) -> Int64 { t &- originNs }

    /// An event of the filtered force, seen at sample `t` (an alarm's crossing): when the force crossed.
    public func time(ofFilteredSampleNs t: Int64) -> Int64 { t &- delayNs &- originNs }

    /// A completed hold (its times already corrected by the chain) with its label and levels.
    public func hold(_ record: HoldRecord, timeline: PointTimeline, scale: PressureScale) -> SessionHold {
        var shifted = record
        shifted.startNs = record.startNs &- originNs
        shifted.endNs = record.endNs &- originNs
        return SessionHold(point: timeline.label(at: record.startNs), record: shifted, scale: scale)
    }

    /// A completed PPT trial with its label (looked up at its corrected start, like a hold's); the
    /// signal is the client's own time on the sample clock.
    public func trial(_ record: TrialRecord, timeline: PointTimeline) -> SessionTrial {
        var shifted = record
        shifted.startNs = record.startNs &- originNs
        shifted.endNs = record.endNs &- originNs
        shifted.signalNs = record.signalNs &- originNs
        return SessionTrial(point: timeline.label(at: record.startNs), record: shifted)
    }
}
