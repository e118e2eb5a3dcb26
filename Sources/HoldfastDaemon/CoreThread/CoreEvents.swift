import HoldfastCore

/// What the core thread reports to the event loop (rare: a few per minute).
public enum CoreEvent: Sendable {
    case hold(HoldRecord)
    /// A press with the client's signal in it ended: a PPT trial.
    case trial(TrialRecord)
    /// What became of a signal (a key, `send ppt`, the button) the core was given.
    case signal(SignalOutcome, atNs: Int64)
    case touch(atNs: Int64)
    case alarm(on: Bool, atNs: Int64, forceQ16: Int32)
    /// The first sample after a gap, and how long the stream had been silent.
    case gap(atNs: Int64, missingNs: Int64)
    case tared(offsetCounts: Int32, atNs: Int64)
    case tareRefused(String)
    /// The thresholds that follow a new scale were refused (the event loop checks first, so this is a bug).
    case scaleRefused(String)
    case finished
}

/// What the event loop asks of the core thread.
public enum CoreCommand: Sendable {
    case tare
    case setScale(PressureScale)
    /// The client signalled "now" at this time on the sample clock.
    case signal(atNs: Int64)
}
