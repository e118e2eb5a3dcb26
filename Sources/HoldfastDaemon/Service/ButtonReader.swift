import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors

/// The client's push button or foot pedal: a thread of its own waits on the
/// line (a GPIO wait blocks; the event loop must not), debounces its edges,
/// and hands each press to the core thread as a signal at the edge's kernel
/// timestamp — the samples' clock — so the threshold is taken where the
/// client pressed, not where the daemon got round to it.
///
/// A plain class handed whole to its thread (the line and the debouncer are
/// that thread's alone); the daemon keeps only the ``StopFlag``.
final class ButtonReader {
    private let line: InputLine
    private var debouncer: ButtonDebouncer
    private let core: CoreLink
    private let log: Log
    private let stop: StopFlag
    private var failures = 0

    /// How long one wait lasts, so that `stop` is noticed.
    static let waitNs: Int64 = 200_000_000
    /// How long to wait before asking a failed line again.
    static let retryNs: Int64 = 1_000_000_000

    init(line: InputLine, debouncer: ButtonDebouncer, core: CoreLink, stop: StopFlag, log: Log) {
        self.line = line
        self.debouncer = debouncer
        self.core = core
        self.stop = stop
        self.log = log
    }

    /// What the start-up log says about the button.
    var description: String {
        "PPT signal button: \(line.name), active \(debouncer.activeLow ? "low" : "high"), "
            + "debounced \(debouncer.debounceNs / 1_000_000) ms"
    }

    /// Waits for presses until the stop flag is set (noticed within ``waitNs``).
    func run() {
        let pauses = SystemMonotonicClock()
        while !stop.isSet {
            do {
                switch try line.waitForChange(timeoutNs: Self.waitNs) {
                case .timeout:
                    continue
                case .edge(let t, let rising):
                    failures = 0
                    if debouncer.edge(atNs: t, rising: rising) { core.commands.push(.signal(atNs: t)) }
                }
            } catch {
                // A line that fails (its chip unplugged) is asked again; say so once, then once a minute.
                if failures % 60 == 0 { log.warning("PPT signal button: \(error); trying again every second") }
                failures += 1
                pauses.sleep(untilNs: pauses.nowNs() + Self.retryNs)
            }
        }
    }
}
