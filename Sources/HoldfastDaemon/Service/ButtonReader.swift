import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors

/// The client's push button or foot pedal: a thread of its own waits on the
/// line (a GPIO wait blocks; the event loop must not), debounces its edges,
/// and hands each press to the core thread as a signal at the edge's kernel
/// timestamp — the samples' clock — so the threshold is taken where the
/// client pressed, not where the daemon got round to it.
final class ButtonReader: @unchecked Sendable {
    // `debouncer` and `failures` are touched only by the reader's thread once started.
    private let line: InputLine
    private var debouncer: ButtonDebouncer
    private let core: CoreLoop
    private let log: Log
    private let stopFlag = StopFlag()
    private var thread: JoinableThread?
    private var failures = 0

    /// How long one wait lasts, so that `stop` is noticed.
    static let waitNs: Int64 = 200_000_000

    init(line: InputLine, debouncer: ButtonDebouncer, core: CoreLoop, log: Log) {
        self.line = line
        self.debouncer = debouncer
        self.core = core
        self.log = log
    }

    func start() throws(SystemError) {
        log.info("PPT signal button: \(line.name), active \(debouncer.activeLow ? "low" : "high"), "
            + "debounced \(debouncer.debounceNs / 1_000_000) ms")
        thread = try JoinableThread(name: "signal button") { [self] in run() }
    }

    func stop() {
        stopFlag.set()
        thread?.join()
        thread = nil
    }

    private func run() {
        while !stopFlag.isSet {
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
                var pause = timespec(tv_sec: 1, tv_nsec: 0)
                nanosleep(&pause, nil)
            }
        }
    }
}
