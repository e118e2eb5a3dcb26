import HoldfastCore
import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors
import HoldfastSimulator

/// The daemon's sensor: a real chip on /dev/i2c-N with its calibration file,
/// or (bus = emulated) a trace played into an emulated chip in real time.
struct SensorSource {
    var driver: ForceSensor
    var line: DataReadyLine?
    var clock: MonotonicClock
    var calibration: ForceCalibration
    var description: String
    /// How conversions are noticed, for the start-up log: the line and the libgpiod generation, or polling.
    var dataReady: String
    /// Keeps the emulated chip alive.
    var emulated: EmulatedSensor?

    /// How far a played trace's time axis may be moved onto the clock: ±2^62 ns
    /// (146 years), so that every time played stays far from Int64's ends.
    static let maxOffsetNs: Int64 = 1 << 62

    static func open(_ config: DaemonConfig, onPoint: @escaping (String, Int64) -> Void) throws(DaemonError) -> SensorSource {
        do {
            if config.bus == "emulated" {
                guard let tracePath = config.emulateTrace else { throw DaemonError("bus = emulated needs emulate_trace") }
                let clock = ScaledClock(speed: config.emulateSpeed)
                let start = clock.nowNs()
                // The trace's first time, so that its labels can be moved onto our clock as they are read.
                var first = [Sample(timestampNs: 0, raw: 0)]
                // Result keeps the error typed: Swift 6.0's withUnsafeMutableBufferPointer is `rethrows`.
                let count = try first.withUnsafeMutableBufferPointer { b in
                    Result { () throws(TraceError) -> Int in try TraceReader(path: tracePath).read(into: b) { _, _ in } }
                }.get()
                guard count == 1 else { throw DaemonError("\(tracePath): the trace has no samples") }
                // Trace time onto our clock. A trace may start anywhere in ±9.2e9 s; our clock is
                // days since boot: the difference need not fit an Int64 (a start of -9223372000 s trapped).
                let (offset, overflow) = start.subtractingReportingOverflow(first[0].timestampNs)
                guard !overflow, offset.magnitude <= UInt64(Self.maxOffsetNs) else {
                    throw DaemonError("\(tracePath): the trace starts at \(DecimalText.format(first[0].timestampNs, decimals: 9)) s, "
                                      + "too far from 0 to play (within ±\(Self.maxOffsetNs / 1_000_000_000) s)")
                }
                let trace = TraceForceSource(reader: try TraceReader(path: tracePath)) { t, label in
                    onPoint(label, t.addingReportingOverflow(offset).overflow ? t : t + offset)
                }
                let emulated = try EmulatedSensor(config.sensor, force: ShiftedForceSource(trace, offsetNs: offset),
                                                  faults: config.emulateFaults.shifted(byNs: offset), startNs: start, clock: clock, sampleRateHz: config.rateHz)
                let calibration = try ForceCalibration(offset: emulated.offsetCounts, newtonsPerCount: emulated.newtonsPerCount)
                return SensorSource(driver: emulated.driver, line: emulated.line, clock: clock, calibration: calibration,
                                    description: "emulated \(config.sensor.rawValue) playing \(tracePath) at \(config.emulateSpeed)×",
                                    dataReady: "emulated data-ready line",
                                    emulated: emulated)
            }
            let bus = try LinuxI2CBus(path: config.bus)
            let clock = SystemMonotonicClock()
            let driver = try config.sensor.driver(bus: bus, clock: clock, address: config.address, sampleRateHz: config.rateHz)
            var line: DataReadyLine?
            if let drdy = config.drdy, let colon = drdy.lastIndex(of: ":"), let offset = UInt32(drdy[drdy.index(after: colon)...]) {
                line = try GPIODataReadyLine(chip: String(drdy[..<colon]), offset: offset, edge: driver.dataReadyEdge)
            }
            guard let path = config.calibration else { throw DaemonError("a real sensor needs calibration") }
            let calibration = try SensorCalibration.read(from: path, for: driver.identity).forceCalibration()
            return SensorSource(driver: driver, line: line, clock: clock, calibration: calibration,
                                description: driver.identity.description,
                                dataReady: line.map { "data-ready \($0.name) through libgpiod \(LibGPIOD.apiGeneration).x" }
                                    ?? "no data-ready line: polling",
                                emulated: nil)
        } catch let error as DaemonError {
            throw error
        } catch {
            throw DaemonError("\(error)")
        }
    }
}
