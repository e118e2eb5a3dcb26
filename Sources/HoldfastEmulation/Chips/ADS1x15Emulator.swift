import HoldfastSensors

/// The ADS1115/ADS1015 at register level: 16-bit registers sent MSB first
/// (so an SMBus word is byte-swapped), power-on defaults (config 0x8583,
/// Lo_thresh 0x8000, Hi_thresh 0x7FFF), continuous conversions at the DR
/// rate from the variant's table, PGA full scale, 12-bit results shifted left
/// by four on the ADS1015, and ALERT/RDY pulses only in conversion-ready mode.
final class ADS1x15Emulator: EmulatedDevice {
    let address: UInt8
    let variant: ADS1x15.Variant
    private let frontEnd: FrontEnd
    private let force: ForceSource
    private let faults: FaultPlan
    private var config: UInt16 = 0x8583
    private var loThresh: UInt16 = 0x8000
    private var hiThresh: UInt16 = 0x7FFF
    private var timer: ConversionTimer?
    private var cache: (index: Int64, code: Int32)?
    private(set) var forceEnded = false

    private let rateOverrideHz: Double?
    /// When the emulated sensor was switched on: drift grows from here.
    private let originNs: Int64

    init(_ variant: ADS1x15.Variant, address: UInt8 = 0x48, frontEnd: FrontEnd, force: ForceSource, faults: FaultPlan,
         rateOverrideHz: Double? = nil, originNs: Int64 = 0) {
        self.originNs = originNs
        self.variant = variant
        self.rateOverrideHz = rateOverrideHz
        self.address = address
        self.frontEnd = frontEnd
        self.force = force
        self.faults = faults
    }

    func powerOnReset() {
        (config, loThresh, hiThresh, timer, cache) = (0x8583, 0x8000, 0x7FFF, nil, nil)
    }

    private var rangeVolts: Double {
        let code = Int((config >> 9) & 0x7)
        return code < ADS1x15.ranges.count ? ADS1x15.ranges[code].volts : 0.256
    }
    private var rateHz: Double { rateOverrideHz ?? variant.rates[Int((config >> 5) & 0x7)] }
    private var continuous: Bool { config & 0x0100 == 0 }
    private var conversionReadyMode: Bool { hiThresh & 0x8000 != 0 && loThresh & 0x8000 == 0 && config & 0x3 != 0x3 }

    /// Codes per input volt at the current range (the variant's own resolution).
    var codesPerVolt: Double { Double(variant.maxCode + 1) / rangeVolts }

    func readByte(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt8 { throw DeviceRefusal() }
    func writeByte(_ register: UInt8, _ value: UInt8, at t: Int64) throws(DeviceRefusal) { throw DeviceRefusal() }
    func readBlock(_ register: UInt8, into buffer: UnsafeMutableRawBufferPointer, at t: Int64) throws(DeviceRefusal) {
        throw DeviceRefusal()
    }

    func readWord(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt16 {
        let value: UInt16
        switch register {
        case ADS1x15.Register.conversion:
            var code: Int32 = 0
            if let timer, let k = timer.latest(at: t) { code = conversion(k, at: timer.completion(k)) }
            value = UInt16(bitPattern: Int16(truncatingIfNeeded: code << (variant == .ads1015 ? 4 : 0)))
        case ADS1x15.Register.config: value = continuous ? config & 0x7FFF : config | 0x8000
        case ADS1x15.Register.loThresh: value = loThresh
        case ADS1x15.Register.hiThresh: value = hiThresh
        default: throw DeviceRefusal()
        }
        return value.byteSwapped  // MSB first on the wire; SMBus words are LSB first
    }

    func writeWord(_ register: UInt8, _ wire: UInt16, at t: Int64) throws(DeviceRefusal) {
        let value = wire.byteSwapped
        switch register {
        case ADS1x15.Register.config:
            config = value & 0x7FFF
            timer = continuous ? ConversionTimer(startNs: t, rateHz: rateHz) : nil
            cache = nil
        case ADS1x15.Register.loThresh: loThresh = value
        case ADS1x15.Register.hiThresh: hiThresh = value
        default: throw DeviceRefusal()
        }
    }

    func lastReadyEdge(atOrBefore t: Int64) -> Int64? {
        guard conversionReadyMode, let timer, let k = timer.latest(at: t) else { return nil }
        return timer.completion(k)
    }

    func nextReadyEdge(after t: Int64) -> Int64? {
        guard conversionReadyMode, let timer else { return nil }
        return timer.next(after: t)
    }

    private func conversion(_ k: Int64, at completion: Int64) -> Int32 {
        if let cache, cache.index == k { return cache.code }
        let limit = Double(variant.maxCode)
        var code: Double
        if faults.active(.saturate, at: completion) {
            code = limit
        } else {
            let f = force.force(atNs: completion)
            if f == nil { forceEnded = true }
            code = (frontEnd.volts(forceN: f ?? 0, timeNs: completion - originNs, index: k) * codesPerVolt).rounded()
        }
        let clipped = Int32(min(max(code, -limit - 1), limit))
        cache = (k, clipped)
        return clipped
    }
}
