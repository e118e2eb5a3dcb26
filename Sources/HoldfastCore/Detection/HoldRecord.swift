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
    /// How the pressure was applied: sag, wobble, the level established (nil without a plateau to measure).
    public var steadiness: Steadiness?

    public var holdNs: Int64 { endNs - startNs }

    public init(startNs: Int64, endNs: Int64, meanForce: Int32, peakForce: Int32,
                targetNs: Int64, overNs: Int64, endedByStreamEnd: Bool, gaps: Int = 0, regrips: Int = 0,
                endedByGap: Bool = false, steadiness: Steadiness? = nil) {
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
        self.steadiness = steadiness
    }
}

/// A pressure-pain threshold trial: a contact in which the client signalled
/// "now". Times are on the sample clock (nanoseconds), the contact's start and
/// end corrected for the filter's delay like a hold's; the signal is the
/// client's own time. Forces are Q16.16 newtons of the filtered signal.
public struct TrialRecord: Sendable, Equatable {
    public var startNs: Int64
    public var signalNs: Int64
    public var endNs: Int64
    /// The highest filtered force from the contact's start up to the signal: the threshold.
    public var thresholdForce: Int32
    /// The force at the start (the start force the ramp rose through).
    public var onsetForce: Int32
    /// Gaps in the samples during the trial, and whether a long one cut it.
    public var gaps: Int
    public var endedByGap: Bool

    public init(startNs: Int64, signalNs: Int64, endNs: Int64, thresholdForce: Int32, onsetForce: Int32,
                gaps: Int = 0, endedByGap: Bool = false) {
        self.startNs = startNs
        self.signalNs = signalNs
        self.endNs = endNs
        self.thresholdForce = thresholdForce
        self.onsetForce = onsetForce
        self.gaps = gaps
        self.endedByGap = endedByGap
    }

    /// The mean slope of the ramp from the onset to the signal, in N/s; 0 or less when the force did not rise.
    public var rampNewtonsPerSecond: Double {
        let ns = signalNs - startNs
        guard ns > 0 else { return 0 }
        return Q16.newtons(thresholdForce &- onsetForce) / (Double(ns) / 1e9)
    }
}

/// What became of a client's "now" signal.
public enum SignalOutcome: UInt8, Sendable {
    /// It marks the contact in progress as a PPT trial.
    case accepted
    /// Nothing was being pressed: there is no threshold to take.
    case noContact
    /// The contact already has a signal; the first one counts.
    case repeated
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
    /// A contact with the client's signal in it ended; read it from ``HoldDetector/lastTrial``.
    case trialCompleted
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
