import HoldfastTrace
import HoldfastCore
import HoldfastEmulation
import HoldfastSession

/// What to replay and how.
public struct ReplayOptions: Sendable {
    public var tracePath: String
    /// Where the session file goes; nil replays without writing one (benchmarks).
    public var sessionPath: String?
    /// The client's scale; nil: the trace's `# scale:` metadata, or the standard scale.
    public var scale: PressureScale?
    public var holdRules: HoldRules = .standard
    public var cutoffHz: Double = SignalConfig.defaultCutoffHz
    public var spikeRejection = true
    public var ringCapacity = 1 << 14
    /// Samples moved per push or pop.
    public var batchSize = 1 << 10
    /// Drive the trace through this emulated chip and the real driver instead
    /// of feeding its rows straight to the ring.
    public var sensor: EmulatedChip?
    /// Faults injected into the emulated sensor.
    public var faults = FaultPlan()
    /// Override the emulated front end (drift, noise) — for tests.
    public var frontEnd: FrontEnd?
    /// Zero tracking; nil: on for emulated sensors, off for plain traces (a zeroed
    /// logger's; `--zero-tracking` for an un-zeroed one, which the summary warns of).
    public var zeroTracking: Bool?
    /// How PPT trials are judged (the target ramp, its band, the probe's area, the minimal detectable change).
    public var ppt = PPTPolicy.standard

    public init(tracePath: String, sessionPath: String?) {
        self.tracePath = tracePath
        self.sessionPath = sessionPath
    }
}

/// Why a replay failed. Each case names the file and the reason.
public enum ReplayError: Error, CustomStringConvertible {
    case trace(TraceErrorDescription)
    case configuration(String)
    case session(path: String, String)
    /// `--session` names something a session must not be written to (a device, the trace): a usage error.
    case sessionTarget(path: String, String)
    case system(String)

    /// An error in the options rather than in the input or the system (exit 64 on the command line).
    public var isUsageError: Bool {
        switch self {
        case .configuration, .sessionTarget: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .trace(let e): e.text
        case .configuration(let why): "configuration: \(why)"
        case .session(let path, let why): "session file \(path): \(why)"
        case .sessionTarget(let path, let why): "--session \(path): will not write there: \(why)"
        case .system(let why): why
        }
    }
}

/// A trace error's text, carried across module boundaries without coupling
/// callers to the simulator's types.
public struct TraceErrorDescription: Sendable, Equatable {
    public let text: String
    public let line: Int?
}
