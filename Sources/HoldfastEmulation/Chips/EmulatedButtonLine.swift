import HoldfastSensors
import Synchronization

/// A push button on an emulated GPIO input, wired as a real one usually is
/// (to ground, with a pull-up: low while pressed): each press scheduled on the
/// clock becomes the edges a real contact makes, bounces included — three
/// edges as it closes and three as it opens 120 ms later — so the daemon's
/// debouncer is exercised as on a board. Presses are scheduled from any
/// thread (a played trace's `ppt` rows as they are read); one thread waits.
public final class EmulatedButtonLine: InputLine, Sendable {
    public let name: String
    private let clock: MonotonicClock & Sendable
    private let edges = Mutex<[(timeNs: Int64, rising: Bool)]>([])

    /// A contact's bounce: edges this far apart as it closes and as it opens.
    public static let bounceNs: Int64 = 400_000
    /// How long a press lasts.
    public static let pressNs: Int64 = 120_000_000

    public init(clock: MonotonicClock & Sendable, name: String = "emulated signal button") {
        self.clock = clock
        self.name = name
    }

    /// Presses the button at `timeNs` on the clock.
    public func press(atNs t: Int64) {
        let b = Self.bounceNs, r = t + Self.pressNs
        let contact = [(t, false), (t + b, true), (t + 2 * b, false), (r, true), (r + b, false), (r + 2 * b, true)]
        edges.withLock { list in
            list += contact.map { (timeNs: $0.0, rising: $0.1) }
            list.sort { $0.timeNs < $1.timeNs }
        }
    }

    public func waitForChange(timeoutNs: Int64) throws(GPIOError) -> LineChange {
        let deadline = clock.nowNs() &+ max(0, timeoutNs)
        while true {
            let now = clock.nowNs()
            let due = edges.withLock { list -> (timeNs: Int64, rising: Bool)? in
                guard let first = list.first, first.timeNs <= now else { return nil }
                return list.removeFirst()
            }
            if let due { return .edge(timestampNs: due.timeNs, rising: due.rising) }
            guard now < deadline else { return .timeout }
            // Presses may be scheduled while we wait: look again at least every 2 ms of the clock.
            let next = edges.withLock { $0.first?.timeNs } ?? .max
            clock.sleep(untilNs: min(deadline, next, now &+ 2_000_000))
        }
    }
}
