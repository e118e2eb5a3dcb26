/// The ADS1115/ADS1015 at register level: 16-bit registers sent MSB first
/// (so an SMBus word is byte-swapped), power-on defaults (config 0x8583,
/// Lo_thresh 0x8000, Hi_thresh 0x7FFF), continuous conversions at the DR
/// rate from the part's table, PGA full scale, 12-bit results shifted left
/// by four on the ADS1015, and ALERT/RDY pulses only in conversion-ready mode.
/// Its register map is ``ADS1x15Datasheet``, never the driver's.
final class ADS1x15Emulator: EmulatedDevice {
    private typealias Map = ADS1x15Datasheet
    let address: UInt8
    let part: ADS1x15Datasheet.Part
    private let frontEnd: FrontEnd
    private let force: ForceSource
    private let faults: FaultPlan
    private var config = Map.resetConfig
    private var loThresh = Map.resetLoThresh
    private var hiThresh = Map.resetHiThresh
    private var timer: ConversionTimer?
    private var cache: (index: Int64, code: Int32)?
    private(set) var forceEnded = false

    private let rateOverrideHz: Double?
    /// When the emulated sensor was switched on: drift grows from here.
    private let originNs: Int64

    init(_ part: ADS1x15Datasheet.Part, address: UInt8 = Map.addresses.lowerBound, frontEnd: FrontEnd, force: ForceSource, faults: FaultPlan,
         rateOverrideHz: Double? = nil, originNs: Int64 = 0) {
        self.originNs = originNs
        self.part = part
        self.rateOverrideHz = rateOverrideHz
        self.address = address
        self.frontEnd = frontEnd
        self.force = force
        self.faults = faults
    }

    func powerOnReset() {
        (config, loThresh, hiThresh, timer, cache) = (Map.resetConfig, Map.resetLoThresh, Map.resetHiThresh, nil, nil)
    }

    private var rangeVolts: Double { Map.fullScaleVolts[Int((config >> Map.Config.pgaShift) & Map.Config.fieldMask)] }
    private var rateHz: Double { rateOverrideHz ?? part.dataRates[Int((config >> Map.Config.drShift) & Map.Config.fieldMask)] }
    private var continuous: Bool { config & Map.Config.mode == 0 }
    private var conversionReadyMode: Bool {
        hiThresh & Map.thresholdMSB != 0 && loThresh & Map.thresholdMSB == 0
            && config & Map.Config.compQueMask != Map.Config.compQueMask
    }
    /// The largest positive code at the part's resolution.
    private var maxCode: Int32 { (1 << (part.resultBits - 1)) - 1 }

    /// Codes per input volt at the current range (the part's own resolution).
    var codesPerVolt: Double { Double(maxCode + 1) / rangeVolts }

    func readByte(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt8 { throw DeviceRefusal() }
    func writeByte(_ register: UInt8, _ value: UInt8, at t: Int64) throws(DeviceRefusal) { throw DeviceRefusal() }
    func readBlock(_ register: UInt8, into buffer: UnsafeMutableRawBufferPointer, at t: Int64) throws(DeviceRefusal) {
        throw DeviceRefusal()
    }

    func readWord(_ register: UInt8, at t: Int64) throws(DeviceRefusal) -> UInt16 {
        let value: UInt16
        switch register {
        case Map.Pointer.conversion:
            var code: Int32 = 0
            if let timer, let k = timer.latest(at: t) { code = conversion(k, at: timer.completion(k)) }
            value = UInt16(bitPattern: Int16(truncatingIfNeeded: code << (16 - part.resultBits)))  // left-justified
        case Map.Pointer.config: value = continuous ? config & ~Map.Config.os : config | Map.Config.os
        case Map.Pointer.loThresh: value = loThresh
        case Map.Pointer.hiThresh: value = hiThresh
        default: throw DeviceRefusal()
        }
        return value.byteSwapped  // MSB first on the wire; SMBus words are LSB first
    }

    func writeWord(_ register: UInt8, _ wire: UInt16, at t: Int64) throws(DeviceRefusal) {
        let value = wire.byteSwapped
        switch register {
        case Map.Pointer.config:
            config = value & ~Map.Config.os
            timer = continuous ? ConversionTimer(startNs: t, rateHz: rateHz) : nil
            cache = nil
        case Map.Pointer.loThresh: loThresh = value
        case Map.Pointer.hiThresh: hiThresh = value
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
        let limit = Double(maxCode)
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
