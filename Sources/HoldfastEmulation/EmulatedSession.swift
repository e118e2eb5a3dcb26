import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors
import HoldfastTrace
import HoldfastSession

/// A recorded or synthesised session played into an emulated chip in real
/// time (or faster): the force of each trace row reaches the chip as the
/// clock passes its time, read by the real driver. What `holdfast daemon
/// --bus emulated` and the demo hand the daemon instead of a sensor.
///
/// The trace's point labels are not the daemon's business: they are passed
/// to `onPoint` as the clock reaches them, for a feeder that sends them over
/// the control socket as a therapist's key would (see ``LabelFeeder``). Its
/// `ppt` rows press an emulated button (``EmulatedButtonLine``) at their
/// times, which the daemon reads as it would a real one; the outcomes its
/// header scripts (`# outcome: …`) go to `onOutcome` as the clock reaches
/// them, for the feeder to send as the watch's form would.
public enum EmulatedSession {
    /// Why a session could not be played.
    public enum PlayError: Error, CustomStringConvertible {
        case trace(TraceError)
        case chip(SensorError)
        case calibration(SignalDesignError)
        case empty(String)
        case tooFarFromZero(String, startNs: Int64)
        case annotations(String, String)

        public var description: String {
            switch self {
            case .trace(let e): e.description
            case .chip(let e): e.description
            case .calibration(let e): "\(e)"
            case .empty(let path): "\(path): the trace has no samples"
            case .annotations(let path, let why): "\(path): \(why)"
            case .tooFarFromZero(let path, let start):
                "\(path): the trace starts at \(DecimalText.format(start, decimals: 9)) s, too far from 0 to play "
                    + "(within ±\(EmulatedSession.maxOffsetNs / 1_000_000_000) s)"
            }
        }
    }

    /// How far a played trace's time axis may be moved onto the clock: ±2^62 ns
    /// (146 years), so that every time played stays far from Int64's ends.
    public static let maxOffsetNs: Int64 = 1 << 62

    /// Plays `tracePath` through an emulated `chip` at `speed`× real time, with
    /// `faults` in the trace's seconds; `onPoint(label, clockNs)` hears each
    /// label on the source's clock (from the acquisition thread: it must not block).
    public static func play(_ tracePath: String, chip: SensorChip, speed: Double, faults: FaultPlan, sampleRateHz: Double?,
                            onPoint: @escaping (String, Int64) -> Void,
                            onOutcome: @escaping (Outcome) -> Void = { _ in }) throws(PlayError) -> SensorSource {
        let clock = ScaledClock(speed: speed)
        let start = clock.nowNs()
        // The trace's first time, so that its labels can be moved onto our clock as they are read.
        var first = [Sample(timestampNs: 0, raw: 0)]
        // Result keeps the error typed: Swift 6.0's withUnsafeMutableBufferPointer is `rethrows`.
        let count: Int
        do {
            count = try first.withUnsafeMutableBufferPointer { b in
                Result { () throws(TraceError) -> Int in try TraceReader(path: tracePath).read(into: b) { _, _ in } }
            }.get()
        } catch { throw .trace(error) }
        guard count == 1 else { throw .empty(tracePath) }
        // Trace time onto our clock. A trace may start anywhere in ±9.2e9 s; our clock is
        // days since boot: the difference need not fit an Int64 (a start of -9223372000 s trapped).
        let (offset, overflow) = start.subtractingReportingOverflow(first[0].timestampNs)
        guard !overflow, offset.magnitude <= UInt64(Self.maxOffsetNs) else { throw .tooFarFromZero(tracePath, startNs: first[0].timestampNs) }
        let reader: TraceReader
        do { reader = try TraceReader(path: tracePath) } catch { throw .trace(error) }
        let button = reader.hasEventColumn ? EmulatedButtonLine(clock: clock) : nil
        func onClock(_ t: Int64) -> Int64 { t.addingReportingOverflow(offset).overflow ? t : t + offset }
        let trace = TraceForceSource(reader: reader, onPoint: { t, label in onPoint(label, onClock(t)) },
                                     onSignal: { t in button?.press(atNs: onClock(t)) })
        let outcomes: [(timeNs: Int64, outcome: Outcome)]
        do { outcomes = try TraceAnnotations(metadata: reader.metadata).outcomes }
        catch { throw .annotations(tracePath, error.description) }
        let scripted = ScriptedForceSource(trace, outcomes: outcomes, onOutcome: onOutcome)
        let emulated: EmulatedSensor
        do {
            emulated = try EmulatedSensor(chip, force: ShiftedForceSource(scripted, offsetNs: offset),
                                          faults: faults.shifted(byNs: offset), startNs: start, clock: clock, sampleRateHz: sampleRateHz)
        } catch { throw .chip(error) }
        let calibration: ForceCalibration
        do { calibration = try ForceCalibration(offset: emulated.offsetCounts, newtonsPerCount: emulated.newtonsPerCount) }
        catch { throw .calibration(error) }
        return SensorSource(driver: emulated.driver, line: emulated.line, clock: clock, calibration: calibration,
                            description: "emulated \(chip.rawValue) playing \(tracePath) at \(speed)×",
                            dataReady: "emulated data-ready line", owner: emulated, signalButton: button)
    }
}

/// A trace's force with the outcomes its header scripts: each is handed on as
/// the emulated time passes it (on the acquisition thread: the receiver only queues).
final class ScriptedForceSource: ForceSource {
    private let trace: ForceSource
    private var outcomes: ArraySlice<(timeNs: Int64, outcome: Outcome)>
    private let onOutcome: (Outcome) -> Void

    init(_ trace: ForceSource, outcomes: [(timeNs: Int64, outcome: Outcome)], onOutcome: @escaping (Outcome) -> Void) {
        self.trace = trace
        self.outcomes = outcomes[...]
        self.onOutcome = onOutcome
    }

    func force(atNs timeNs: Int64) -> Double? {
        while let next = outcomes.first, next.timeNs <= timeNs {
            outcomes.removeFirst()
            onOutcome(next.outcome)
        }
        return trace.force(atNs: timeNs)
    }
}
