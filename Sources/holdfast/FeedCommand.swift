import HoldfastProtocol
import HoldfastTrace
import ArgumentParser
import HoldfastCore
import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors
import HoldfastEmulation
import HoldfastTerminal

/// The hardware-in-the-loop feeder: plays a trace into the kernel's i2c-stub
/// as an ADS1115's conversion register and pulses a gpio-sim line as its
/// ALERT/RDY, so the unmodified daemon reads it through libi2c and libgpiod.
/// The stub is plain memory: whatever the chip would do by itself, this does.
/// With `--socket`, the trace's point labels are sent to the daemon as a
/// therapist's `holdfast send point` would be, when the trace reaches them.
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed-stub",
        abstract: "Play a trace into i2c-stub and gpio-sim (hardware-in-the-loop tests).",
        shouldDisplay: false)

    @Argument(help: "The trace (CSV).")
    var trace: String

    @Option(help: "The i2c-stub adapter, e.g. /dev/i2c-0.")
    var bus: String

    @Option(help: "gpio-sim's pull attribute of the data-ready line (sysfs).")
    var pull: String

    @Option(help: "Conversions per second.")
    var rateHz = 250.0

    @Option(help: "ADS1115 counts per newton (what the calibration file will say).")
    var countsPerNewton = 100.0

    @Option(help: "The daemon's control socket, to send the trace's point labels to.")
    var socket: String?

    func validate() throws {
        guard rateHz.isFinite, rateHz >= 1, rateHz <= 100_000 else { throw ValidationError("--rate-hz \(rateHz): 1 to 100000") }
        guard countsPerNewton.isFinite, countsPerNewton != 0, abs(countsPerNewton) <= 1e6 else {
            throw ValidationError("--counts-per-newton \(countsPerNewton): non-zero, at most 1000000 either way")
        }
    }

    func run() throws {
        let reader: TraceReader
        do { reader = try TraceReader(path: trace) } catch { throw CommandFailure("\(error)") }
        // Labels are read ahead with their trace times; each is sent when the trace gets there.
        var labels: [(atNs: Int64, label: String)] = []
        let source = TraceForceSource(reader: reader) { t, label in labels.append((t, label)) }
        let bus: LinuxI2CBus
        do { bus = try LinuxI2CBus(path: self.bus) } catch { throw CommandFailure("\(error)") }
        let clock = SystemMonotonicClock()
        let period = Int64(1e9 / rateHz)
        let start = clock.nowNs()
        let first = source.firstNs ?? 0
        var next = start
        var written = 0, failed = 0
        while let force = source.force(atNs: first + (next - start)) {
            clock.sleep(untilNs: next)
            while let socket, let due = labels.first, due.atNs <= first + (next - start) {
                labels.removeFirst()
                if case .failure(let failure) = DaemonRequest.send(.point(due.label), socket: socket) {
                    printError("feed-stub: point \"\(due.label)\": \(failure)")
                }
            }
            // Clamped as a Double first: a trace's force × the scale can exceed what an Int holds.
            let counts = Int16(min(max((force * countsPerNewton).rounded(), Double(Int16.min)), Double(Int16.max)))
            do {
                // The chip sends the conversion MSB first; an SMBus word is LSB first.
                try bus.writeWord(0x48, register: 0, value: UInt16(bitPattern: counts).byteSwapped)
                written += 1
            } catch {
                failed += 1  // the stub is gone (the fault test): keep time, try again next period
            }
            pulse()
            next += period
        }
        print("feed-stub: \(written) conversions written, \(failed) failed while the stub was gone")
    }

    /// ALERT/RDY is active low: a falling edge marks a new conversion.
    private func pulse() {
        for state in ["pull-down", "pull-up"] {
            let fd = open(pull, O_WRONLY)
            guard fd >= 0 else { return }
            _ = state.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
    }
}
