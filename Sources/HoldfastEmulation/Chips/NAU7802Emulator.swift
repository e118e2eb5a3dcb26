import HoldfastSensors

/// The NAU7802 at register level: power-up sequencing (PUR follows PUD after
/// 200 µs), gain and LDO from CTRL1, rate from CTRL2, an internal offset
/// calibration that takes two conversion periods, the CR bit (cleared by
/// reading ADCO), DRDY edges at each conversion, 24-bit two's-complement
/// results from the front end, clipped at full scale.
final class NAU7802Emulator: EmulatedDevice {
    let address: UInt8
    private let frontEnd: FrontEnd
    private let force: ForceSource
    private let faults: FaultPlan
    private var registers = [UInt8](repeating: 0, count: 0x20)
    private var digitalUpSince: Int64?
    private var timer: ConversionTimer?
    private var calibratingUntil: Int64 = 0
    private var lastRead: Int64 = 0
    private var cache: (index: Int64, counts: Int32)?
    private(set) var forceEnded = false

    static let rates: [UInt8: Double] = [0: 10, 1: 20, 2: 40, 3: 80, 7: 320]

    private let rateOverrideHz: Double?
    /// When the emulated sensor was switched on: drift grows from here.
    private let originNs: Int64

    init(address: UInt8 = NAU7802.defaultAddress, frontEnd: FrontEnd, force: ForceSource, faults: FaultPlan,
         rateOverrideHz: Double? = nil, originNs: Int64 = 0) {
        self.originNs = originNs
        self.address = address
        self.rateOverrideHz = rateOverrideHz
        self.frontEnd = frontEnd
        self.force = force
        self.faults = faults
        powerOnReset()
    }

    func powerOnReset() {
        registers = [UInt8](repeating: 0, count: 0x20)
        registers[Int(NAU7802.Register.revision)] = 0x0F
        digitalUpSince = nil
        timer = nil
        cache = nil
        lastRead = 0
    }

    private var rateHz: Double { rateOverrideHz ?? Self.rates[(registers[2] >> 4) & 0x7] ?? 10 }
    private var gain: Double { Double(1 << Int(registers[1] & 0x7)) }
    private var ldoVolts: Double { 4.5 - 0.3 * Double((registers[1] >> 3) & 0x7) }

    /// Counts per input volt at the current gain and LDO (full scale ±0.5·VREF/gain).
    var countsPerVolt: Double { Double(1 << 23) * gain / (0.5 * ldoVolts) }

    private func converting(at t: Int64) -> Bool {
        let pu = registers[0]
        return pu & NAU7802.PowerUp.cycleStart != 0 && pu & NAU7802.PowerUp.analog != 0 && powered(at: t)
    }

    private func powered(at t: Int64) -> Bool {
        guard let since = digitalUpSince else { return false }
        return t - since >= 200_000
    }

    func readByte(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt8 {
        guard register < 0x20 else { throw DeviceRefusal() }
        switch register {
        case NAU7802.Register.puCtrl:
            var value = registers[0] & ~(NAU7802.PowerUp.ready | NAU7802.PowerUp.conversionReady)
            if powered(at: t) { value |= NAU7802.PowerUp.ready }
            if let k = timer?.latest(at: t), converting(at: t), k > lastRead { value |= NAU7802.PowerUp.conversionReady }
            return value
        case NAU7802.Register.ctrl2:
            if t >= calibratingUntil { registers[2] &= ~NAU7802.Control2.calibrationStart }
            return registers[2]
        default:
            return registers[Int(register)]
        }
    }

    func writeByte(_ register: UInt8, _ value: UInt8, at t: Int64) throws(DeviceRefusal) {
        guard register < 0x20, register != NAU7802.Register.revision else { throw DeviceRefusal() }
        switch register {
        case NAU7802.Register.puCtrl:
            if value & NAU7802.PowerUp.registerReset != 0 {
                powerOnReset()
                registers[0] = value
                return
            }
            if value & NAU7802.PowerUp.digital != 0 && registers[0] & NAU7802.PowerUp.digital == 0 { digitalUpSince = t }
            if value & NAU7802.PowerUp.digital == 0 { digitalUpSince = nil }
            let wasConverting = converting(at: t)
            registers[0] = value & ~(NAU7802.PowerUp.ready | NAU7802.PowerUp.conversionReady)
            if converting(at: t) && !wasConverting { restartConversions(at: t) }
            if !converting(at: t) { timer = nil }
        case NAU7802.Register.ctrl2:
            let rateChanged = (value ^ registers[2]) & 0x70 != 0
            registers[2] = value & ~NAU7802.Control2.calibrationError
            if value & NAU7802.Control2.calibrationStart != 0 {
                calibratingUntil = t + 2 * Int64(1e9 / rateHz)
            }
            if rateChanged && converting(at: t) { restartConversions(at: t) }
        default:
            registers[Int(register)] = value
        }
    }

    func readWord(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt16 { throw DeviceRefusal() }
    func writeWord(_ register: UInt8, _ value: UInt16, at t: Int64) throws(DeviceRefusal) { throw DeviceRefusal() }

    func readBlock(_ register: UInt8, into buffer: UnsafeMutableRawBufferPointer, at t: Int64) throws(DeviceRefusal) {
        guard register == NAU7802.Register.adcoB2, buffer.count == 3 else {
            for i in 0..<buffer.count { buffer[i] = try readByte(register &+ UInt8(i), at: t) }
            return
        }
        var counts: Int32 = 0
        if let timer, converting(at: t), let k = timer.latest(at: t) {
            counts = conversion(k, at: timer.completion(k))
            lastRead = k
        }
        let bits = UInt32(bitPattern: counts) & 0xFF_FFFF
        buffer[0] = UInt8(bits >> 16)
        buffer[1] = UInt8((bits >> 8) & 0xFF)
        buffer[2] = UInt8(bits & 0xFF)
    }

    func lastReadyEdge(atOrBefore t: Int64) -> Int64? {
        guard let timer, converting(at: t), let k = timer.latest(at: t) else { return nil }
        return timer.completion(k)
    }

    func nextReadyEdge(after t: Int64) -> Int64? {
        guard let timer, registers[0] & NAU7802.PowerUp.cycleStart != 0 else { return nil }
        return timer.next(after: t)
    }

    private func restartConversions(at t: Int64) {
        timer = ConversionTimer(startNs: t, rateHz: rateHz)
        cache = nil
        lastRead = 0
    }

    private func conversion(_ k: Int64, at completion: Int64) -> Int32 {
        if let cache, cache.index == k { return cache.counts }
        let limit = Double(0x7F_FFFF)
        var counts: Double
        if faults.active(.saturate, at: completion) {
            counts = limit
        } else if let f = force.force(atNs: completion) {
            counts = (frontEnd.volts(forceN: f, timeNs: completion - originNs, index: k) * countsPerVolt).rounded()
        } else {
            forceEnded = true
            counts = (frontEnd.volts(forceN: 0, timeNs: completion - originNs, index: k) * countsPerVolt).rounded()
        }
        let clipped = Int32(min(max(counts, -limit - 1), limit))
        cache = (k, clipped)
        return clipped
    }
}
