import HoldfastCore
import HoldfastSensors
import HoldfastSession

/// What the daemon itself needs: where it keeps sessions and listens, the
/// client's scale and the hold rules, the alarm, and how it runs. The sensor
/// is not here: the daemon is handed a ``SensorSource`` already open, and
/// never knows whether it is a chip on a bus or an emulated one. Filled from
/// the configuration file and flags by HoldfastConfig.
public struct DaemonConfig: Sendable {
    public var stateDirectory = "/var/lib/holdfast/sessions"
    public var socketPath = "/run/holdfast/holdfast.sock"
    public var scale = PressureScale.standard
    /// Start and end forces follow the client's scale unless start_n/end_n are set.
    public var holdRules = HoldRules.standard
    public var cutoffHz = SignalConfig.defaultCutoffHz
    /// The over-pressure alarm fires when the level reaches this.
    public var alarmLevel = 9.0
    /// A buzzer or LED driven while the alarm is on.
    public var alarmGPIO: LineAddress?
    public var realtimePriority: Int32? = 50
    public var cpu: Int?
    /// Live frames per second on the socket.
    public var frameHz = 25.0
    /// Pseudonym of the client for the first session.
    public var client: String?
    /// How PPT trials are judged: the ramp and its band, trials per phase, the probe's area, the minimal detectable change.
    public var ppt = PPTPolicy.standard
    /// A push button or foot pedal the client signals "now" with; polarity and debounce.
    public var pptButton: LineAddress?
    public var pptButtonActiveLow = true
    public var pptButtonDebounceMs = 30.0

    public init() {}
}
