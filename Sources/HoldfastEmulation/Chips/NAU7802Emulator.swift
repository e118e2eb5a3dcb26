/// The NAU7802 at register level: power-up sequencing (PUR follows PUD after
/// 200 µs), gain and LDO from CTRL1, rate from CTRL2, an internal offset
/// calibration that takes two conversion periods, the CR bit (cleared by
/// reading ADCO), DRDY edges at each conversion, 24-bit two's-complement
/// results from the front end, clipped at full scale. Its register map is
/// ``NAU7802Datasheet``, never the driver's.
final class NAU7802Emulator: EmulatedDevice {
    private typealias Map = NAU7802Datasheet

    let address: UInt8
    private let frontEnd: FrontEnd
    private let force: ForceSource
    private let faults: FaultPlan
    private var registers = [UInt8](repeating: 0, count: Map.registerCount)
    private var digitalUpSince: Int64?
    private var timer: ConversionTimer?
    private var calibratingUntil: Int64 = 0
    private var lastRead: Int64 = 0
    private var cache: (index: Int64, counts: Int32)?
    private(set) var forceEnded = false

    private let rateOverrideHz: Double?
    /// When the emulated sensor was switched on: drift grows from here.
    private let originNs: Int64

    init(address: UInt8 = Map.address, frontEnd: FrontEnd, force: ForceSource, faults: FaultPlan,
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
        registers = [UInt8](repeating: 0, count: Map.registerCount)
        registers[Int(Map.Register.deviceRevision)] = 0x0F
        digitalUpSince = nil
        timer = nil
        cache = nil
        lastRead = 0
    }

    private var puCtrl: UInt8 { registers[Int(Map.Register.puCtrl)] }
    private var ctrl1: UInt8 { registers[Int(Map.Register.ctrl1)] }
    private var ctrl2: UInt8 { registers[Int(Map.Register.ctrl2)] }
    /// A reserved CRS code runs at 10 SPS here (the datasheet does not say).
    private var rateHz: Double { rateOverrideHz ?? Map.conversionRates[(ctrl2 & Map.Ctrl2.crsMask) >> Map.Ctrl2.crsShift] ?? 10 }
    private var gain: Double { Double(1 << Int(ctrl1 & Map.Ctrl1.gainsMask)) }
    private var ldoVolts: Double { Map.ldoVolts[(ctrl1 & Map.Ctrl1.vldoMask) >> Map.Ctrl1.vldoShift] ?? 4.5 }

    /// Counts per input volt at the current gain and LDO (full scale ±0.5·VREF/gain).
    var countsPerVolt: Double { Double(1 << (Map.resultBits - 1)) * gain / (0.5 * ldoVolts) }

    private func converting(at t: Int64) -> Bool {
        puCtrl & Map.PUCtrl.cs != 0 && puCtrl & Map.PUCtrl.pua != 0 && powered(at: t)
    }

    private func powered(at t: Int64) -> Bool {
        guard let since = digitalUpSince else { return false }
        return t - since >= Map.powerUpNs
    }

    func readByte(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt8 {
        guard Int(register) < Map.registerCount else { throw DeviceRefusal() }
        switch register {
        case Map.Register.puCtrl:
            var value = puCtrl & ~(Map.PUCtrl.pur | Map.PUCtrl.cr)
            if powered(at: t) { value |= Map.PUCtrl.pur }
            if let k = timer?.latest(at: t), converting(at: t), k > lastRead { value |= Map.PUCtrl.cr }
            return value
        case Map.Register.ctrl2:
            if t >= calibratingUntil { registers[Int(Map.Register.ctrl2)] &= ~Map.Ctrl2.cals }
            return ctrl2
        default:
            return registers[Int(register)]
        }
    }

    func writeByte(_ register: UInt8, _ value: UInt8, at t: Int64) throws(DeviceRefusal) {
        guard Int(register) < Map.registerCount, register != Map.Register.deviceRevision else { throw DeviceRefusal() }
        switch register {
        case Map.Register.puCtrl:
            if value & Map.PUCtrl.rr != 0 {
                powerOnReset()
                registers[Int(Map.Register.puCtrl)] = value
                return
            }
            if value & Map.PUCtrl.pud != 0 && puCtrl & Map.PUCtrl.pud == 0 { digitalUpSince = t }
            if value & Map.PUCtrl.pud == 0 { digitalUpSince = nil }
            let wasConverting = converting(at: t)
            registers[Int(Map.Register.puCtrl)] = value & ~(Map.PUCtrl.pur | Map.PUCtrl.cr)
            if converting(at: t) && !wasConverting { restartConversions(at: t) }
            if !converting(at: t) { timer = nil }
        case Map.Register.ctrl2:
            let rateChanged = (value ^ ctrl2) & Map.Ctrl2.crsMask != 0
            registers[Int(Map.Register.ctrl2)] = value & ~Map.Ctrl2.calError
            if value & Map.Ctrl2.cals != 0 {
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
        guard register == Map.Register.adcoB2, buffer.count == 3 else {
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
        guard let timer, puCtrl & Map.PUCtrl.cs != 0 else { return nil }
        return timer.next(after: t)
    }

    private func restartConversions(at t: Int64) {
        timer = ConversionTimer(startNs: t, rateHz: rateHz)
        cache = nil
        lastRead = 0
    }

    private func conversion(_ k: Int64, at completion: Int64) -> Int32 {
        if let cache, cache.index == k { return cache.counts }
        let limit = Double((1 << (Map.resultBits - 1)) - 1)
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
