/// One sustained compression, as measured by the detector. Times are on the
/// sample clock (nanoseconds), already corrected for the filter's delay;
/// forces are Q16.16 newtons of the *filtered* signal.
public struct HoldRecord: Sendable, Equatable {
    public var startNs: Int64
    public var endNs: Int64
    /// Time-weighted mean force from start to end (dips included).
    public var meanForce: Int32
    public var peakForce: Int32
    /// Time spent in the target zone (levels 5.5 ..< 7.5) and over (≥ 8.5).
    public var targetNs: Int64
    public var overNs: Int64
    /// The stream ended while the force was still on: the end is the last sample.
    public var endedByStreamEnd: Bool
    /// Gaps in the sample stream (a sensor that stopped answering) during the hold.
    public var gaps: Int = 0
    /// Dips below the end force that did not end the hold (the thumb shifted or re-gripped).
    public var regrips: Int = 0
    /// The stream stopped for longer than a re-grip during the hold: it ends at the last sample before the gap.
    public var endedByGap = false

    public var holdNs: Int64 { endNs - startNs }

    public init(startNs: Int64, endNs: Int64, meanForce: Int32, peakForce: Int32,
                targetNs: Int64, overNs: Int64, endedByStreamEnd: Bool, gaps: Int = 0, regrips: Int = 0,
                endedByGap: Bool = false) {
        self.startNs = startNs
        self.endNs = endNs
        self.meanForce = meanForce
        self.peakForce = peakForce
        self.targetNs = targetNs
        self.overNs = overNs
        self.endedByStreamEnd = endedByStreamEnd
        self.gaps = gaps
        self.regrips = regrips
        self.endedByGap = endedByGap
    }
}

/// What one detector step observed.
public enum DetectorEvent: UInt8, Sendable {
    case none
    /// Force rose through the start threshold: a contact began (hold or touch, not yet known).
    case contactStarted
    /// A hold ended; read it from ``HoldDetector/lastHold``.
    case holdCompleted
    /// A contact ended too soon to be a hold.
    case touchCompleted
}

/// Where the detector is within a press, for live display.
public enum HoldStage: UInt8, Sendable {
    /// No contact.
    case idle
    /// Above the start threshold (or back from a short dip).
    case pressing
    /// Below the end threshold, waiting to see whether the dip is a re-grip or a release.
    case dipping
}
