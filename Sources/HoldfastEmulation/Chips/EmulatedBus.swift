import HoldfastPOSIX
import HoldfastSensors

/// A register-level model of one I2C chip.
protocol EmulatedDevice: AnyObject {
    var address: UInt8 { get }
    func readByte(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt8
    func writeByte(_ register: UInt8, _ value: UInt8, at t: Int64) throws(DeviceRefusal)
    func readWord(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt16
    func writeWord(_ register: UInt8, _ value: UInt16, at t: Int64) throws(DeviceRefusal)
    func readBlock(_ register: UInt8, into buffer: UnsafeMutableRawBufferPointer, at t: Int64) throws(DeviceRefusal)
    /// Back to the power-on state (after it vanished: a brown-out).
    func powerOnReset()
    /// Completion time of the last data-ready edge at or before `t`, and of the next one after it.
    func lastReadyEdge(atOrBefore t: Int64) -> Int64?
    func nextReadyEdge(after t: Int64) -> Int64?
}

/// A transfer the chip does not support (the adapter reports EIO).
struct DeviceRefusal: Error {}

/// An I2C bus with emulated chips on it, in emulated time, with injected faults.
public final class EmulatedBus: I2CBus {
    public let name: String
    /// Emulated time (a ``VirtualClock``), or a real clock to run in real time.
    public let clock: MonotonicClock
    public let faults: FaultPlan
    private var devices: [UInt8: EmulatedDevice] = [:]
    private var syncedNs: Int64
    /// Transfers attempted, for statistics and tests.
    public private(set) var transfers = 0

    public init(name: String = "emulated i2c", clock: MonotonicClock, faults: FaultPlan = FaultPlan()) {
        self.name = name
        self.clock = clock
        self.faults = faults
        syncedNs = clock.nowNs()
    }

    func attach(_ device: EmulatedDevice) { devices[device.address] = device }
    func device(at address: UInt8) -> EmulatedDevice? { devices[address] }

    /// Applies what happened between the last call and `t`: a device that
    /// vanished in that time comes back reset.
    func sync(to t: Int64) {
        guard t > syncedNs else { return }
        for w in faults.windows where w.kind == .vanish && w.startNs > syncedNs && w.startNs <= t {
            for d in devices.values { d.powerOnReset() }
        }
        syncedNs = t
    }

    /// Runs one transfer: takes the configured latency, then applies faults.
    private func transfer<T>(_ operation: String, _ address: UInt8, _ register: UInt8,
                             _ body: (EmulatedDevice, Int64) throws(DeviceRefusal) -> T) throws(I2CError) -> T {
        transfers += 1
        if faults.latencyNs > 0 { clock.sleep(untilNs: clock.nowNs() + faults.latencyNs) }
        let t = clock.nowNs()
        sync(to: t)
        func fail(_ code: Int32) -> I2CError {
            I2CError(operation, bus: name, address: address, register: register, errno: code)
        }
        if faults.active(.vanish, at: t) { throw fail(ENXIO) }
        if faults.active(.nack, at: t) { throw fail(EREMOTEIO) }
        guard let device = devices[address] else { throw fail(ENXIO) }
        do { return try body(device, t) } catch { throw fail(EIO) }
    }

    public func readByte(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        try transfer("read byte", address, register) { (d, t) throws(DeviceRefusal) in try d.readByte(register, at: t) }
    }
    public func writeByte(_ address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        try transfer("write byte", address, register) { (d, t) throws(DeviceRefusal) in try d.writeByte(register, value, at: t) }
    }
    public func readWord(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        try transfer("read word", address, register) { (d, t) throws(DeviceRefusal) in try d.readWord(register, at: t) }
    }
    public func writeWord(_ address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        try transfer("write word", address, register) { (d, t) throws(DeviceRefusal) in try d.writeWord(register, value, at: t) }
    }
    public func readBlock(_ address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(I2CError) {
        try transfer("read block", address, register) { (d, t) throws(DeviceRefusal) in try d.readBlock(register, into: buffer, at: t) }
    }
}

/// An emulated chip's data-ready output: edges at its conversion completions,
/// suppressed while the line is stuck or the chip is gone. Like the kernel's
/// edge-event queue, edges the reader was late for are delivered in order
/// with their own timestamps, up to a backlog of 16; older ones are lost.
public final class EmulatedDataReadyLine: DataReadyLine {
    public let name: String
    private let bus: EmulatedBus
    private let address: UInt8
    private var lastDelivered = Int64.min

    public init(bus: EmulatedBus, address: UInt8) {
        self.bus = bus
        self.address = address
        name = "emulated data-ready of 0x\(String(address, radix: 16))"
    }

    public func waitForEdge(timeoutNs: Int64) throws(GPIOError) -> EdgeWait {
        let clock = bus.clock
        let now = clock.nowNs()
        let deadline = now + timeoutNs
        bus.sync(to: now)
        guard let device = bus.device(at: address) else {
            clock.sleep(untilNs: deadline)
            return .timeout
        }
        if let newest = device.lastReadyEdge(atOrBefore: now), newest > lastDelivered {
            var pending = device.nextReadyEdge(after: max(lastDelivered, newest - 16 * period(of: device, at: newest))) ?? newest
            while pending <= newest && suppressed(pending) {
                guard let next = device.nextReadyEdge(after: pending) else { break }
                pending = next
            }
            if pending <= newest && !suppressed(pending) {
                lastDelivered = pending
                return .edge(timestampNs: pending)
            }
        }
        var t = now
        while let candidate = device.nextReadyEdge(after: max(t, lastDelivered)), candidate <= deadline {
            if let vanish = bus.faults.windows.first(where: { $0.kind == .vanish && $0.startNs > t && $0.startNs <= candidate }) {
                t = vanish.startNs
                bus.sync(to: t)
                continue
            }
            if suppressed(candidate) { t = candidate; continue }
            clock.sleep(untilNs: candidate)
            bus.sync(to: candidate)
            lastDelivered = candidate
            return .edge(timestampNs: candidate)
        }
        clock.sleep(untilNs: deadline)
        bus.sync(to: deadline)
        return .timeout
    }

    private func period(of device: EmulatedDevice, at t: Int64) -> Int64 {
        guard let next = device.nextReadyEdge(after: t) else { return 0 }
        return next - t
    }

    private func suppressed(_ t: Int64) -> Bool {
        bus.faults.active(.stuck, at: t) || bus.faults.active(.vanish, at: t)
    }
}
