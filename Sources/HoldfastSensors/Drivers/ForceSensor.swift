import HoldfastPOSIX

/// Which chip, on which bus, at which address: recorded with every
/// calibration so a calibration is never applied to another sensor.
public struct SensorIdentity: Sendable, Equatable, Codable {
    public var chip: String
    public var bus: String
    public var address: UInt8

    public init(chip: String, bus: String, address: UInt8) {
        self.chip = chip
        self.bus = bus
        self.address = address
    }

    public var description: String { "\(chip) at 0x\(hex(address)) on \(bus)" }
}

/// One conversion result.
public struct Reading: Sendable, Equatable {
    /// Sign-extended counts.
    public var raw: Int32
    /// The converter is at the end of its range: the true value may be beyond.
    public var saturated: Bool

    public init(raw: Int32, saturated: Bool) {
        self.raw = raw
        self.saturated = saturated
    }
}

/// Why a sensor could not be started.
public enum SensorError: Error, Equatable, CustomStringConvertible {
    /// Nothing acknowledged the address.
    case noChip(SensorIdentity, I2CError)
    /// Something answered, but not the chip we expected.
    case wrongChip(SensorIdentity, String)
    case bus(I2CError)
    /// The chip did not finish a step of its start-up in time.
    case timeout(SensorIdentity, String)
    case calibrationFailed(SensorIdentity, String)
    case unsupportedSetting(String)

    public var description: String {
        switch self {
        case .noChip(let id, let e) where e.isAdapterGone:
            "\(id.description): the adapter \(id.bus) is gone (\(SystemError.describe(e.errno))): unplugged, or its driver unloaded; retrying"
        case .noChip(let id, let e):
            "no \(id.chip) answers at 0x\(hex(id.address)) on \(id.bus) (\(e.description)); check wiring, power and address"
        case .wrongChip(let id, let why): "the device at 0x\(hex(id.address)) on \(id.bus) is not a \(id.chip): \(why)"
        case .bus(let e): e.description
        case .timeout(let id, let step): "\(id.description): \(step) did not complete in time"
        case .calibrationFailed(let id, let why): "\(id.description): internal calibration failed: \(why)"
        case .unsupportedSetting(let why): why
        }
    }

    /// Bus trouble worth retrying (as opposed to a configuration mistake).
    public var isRecoverable: Bool {
        switch self {
        case .noChip(_, let e), .bus(let e): e.isRecoverable
        case .timeout, .calibrationFailed: true
        case .wrongChip, .unsupportedSetting: false
        }
    }
}

extension SensorError {
    /// Runs a chip's first transfer: no acknowledgement means no chip.
    static func probing<T>(_ identity: SensorIdentity, _ body: () throws(I2CError) -> T) throws(SensorError) -> T {
        do { return try body() } catch { throw error.isRecoverable ? .noChip(identity, error) : .bus(error) }
    }

    /// Runs a start-up sequence: bus failures become `.bus`, sensor errors pass through.
    static func starting(_ body: () throws -> Void) throws(SensorError) {
        do {
            try body()
        } catch let error as I2CError {
            throw .bus(error)
        } catch let error as SensorError {
            throw error
        } catch {
            throw .unsupportedSetting("\(error)")
        }
    }
}

/// A force front end: an ADC on I2C with a data-ready output.
public protocol ForceSensor: AnyObject {
    var identity: SensorIdentity { get }
    /// The configured conversion rate.
    var sampleRateHz: Double { get }
    /// The edge of the data-ready pin that marks a new conversion.
    var dataReadyEdge: Edge { get }
    /// Probes, resets, configures and starts conversions. Called again to
    /// recover after a fault: a chip that lost power comes back in its reset state.
    func start() throws(SensorError)
    /// Whether an unread conversion is waiting; nil if the chip cannot say
    /// (then the caller paces reads by time).
    func conversionReady() throws(I2CError) -> Bool?
    /// The latest conversion.
    func readConversion() throws(I2CError) -> Reading
    /// Whether the chip still holds what `start()` wrote. A brown-out can
    /// reset it between two transfers, with none failing: it comes back idle,
    /// its last conversion readable forever. The acquisition asks once a second.
    func isConfigured() throws(I2CError) -> Bool
}
