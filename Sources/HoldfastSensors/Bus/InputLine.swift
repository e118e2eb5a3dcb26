/// What waiting on an input line gave: a change of level with the kernel's
/// CLOCK_MONOTONIC time (the samples' clock), or nothing within the timeout.
public enum LineChange: Sendable, Equatable {
    case edge(timestampNs: Int64, rising: Bool)
    case timeout
}

/// A GPIO input seen as changes of level, both ways: a push button or a foot
/// pedal the client signals "now" with. A gpiochip line on a board
/// (HoldfastLinux), an emulated one in tests and the demo (HoldfastEmulation).
public protocol InputLine: AnyObject {
    var name: String { get }
    func waitForChange(timeoutNs: Int64) throws(GPIOError) -> LineChange
}

/// Turns a bouncing contact's edges into presses. A press is the line going
/// active after it had been quiet for the debounce time; the edges a contact
/// makes as it closes or opens (a few, within a few milliseconds) are
/// ignored, so one press of a button or pedal is one signal, at the time of
/// its first edge.
public struct ButtonDebouncer: Sendable, Equatable {
    /// The line reads low while pressed (a button to ground with a pull-up: the usual wiring).
    public let activeLow: Bool
    public let debounceNs: Int64
    private var pressed = false
    private var lastEdgeNs = Int64.min

    public init(activeLow: Bool, debounceNs: Int64) {
        self.activeLow = activeLow
        self.debounceNs = debounceNs
    }

    /// Feeds one edge; true when it is a press.
    public mutating func edge(atNs t: Int64, rising: Bool) -> Bool {
        let active = rising != activeLow
        let quiet = lastEdgeNs == .min || t &- lastEdgeNs >= debounceNs
        lastEdgeNs = t
        if active {
            guard !pressed, quiet else { return false }
            pressed = true
            return true
        }
        pressed = false
        return false
    }
}
