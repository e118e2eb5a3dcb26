import HoldfastCore

/// The sensor a daemon or a command reads: the driver, the data-ready line if
/// there is one, the clock its samples are stamped on, and counts → newtons.
/// Built by whoever knows where the sensor is — a chip on /dev/i2c-N
/// (HoldfastLinux) or an emulated chip playing a trace (HoldfastEmulation) —
/// and handed to the daemon, which reads it without knowing which.
public struct SensorSource {
    public var driver: ForceSensor
    public var line: DataReadyLine?
    public var clock: MonotonicClock
    public var calibration: ForceCalibration
    /// What the sensor is, for the log and the live view.
    public var description: String
    /// How conversions are noticed, for the start-up log: the line, or polling.
    public var dataReady: String
    /// Whatever must live as long as the source (an emulated chip and its trace).
    public var owner: AnyObject?
    /// A button the client signals "now" with, when the source brings one (an emulated session's
    /// scripted signals); a real one is configured apart (`ppt_button`). Sendable: the source presses it
    /// from its own thread while the daemon's button thread waits on it.
    public var signalButton: (any InputLine & Sendable)?

    public init(driver: ForceSensor, line: DataReadyLine?, clock: MonotonicClock, calibration: ForceCalibration,
                description: String, dataReady: String, owner: AnyObject? = nil, signalButton: (any InputLine & Sendable)? = nil) {
        self.signalButton = signalButton
        self.driver = driver
        self.line = line
        self.clock = clock
        self.calibration = calibration
        self.description = description
        self.dataReady = dataReady
        self.owner = owner
    }
}
