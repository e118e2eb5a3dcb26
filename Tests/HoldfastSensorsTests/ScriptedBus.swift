import HoldfastPOSIX
import HoldfastSensors
import Testing

/// A bus that expects an exact sequence of transfers and answers each from
/// the script: a driver test states every byte the driver must send and
/// every byte the chip sends back. Anything else is recorded as a test failure.
final class ScriptedBus: I2CBus {
    enum Transfer: Equatable, CustomStringConvertible {
        case readByte(UInt8, UInt8, reply: UInt8)
        case writeByte(UInt8, UInt8, UInt8)
        case readWord(UInt8, UInt8, reply: UInt16)
        case writeWord(UInt8, UInt8, UInt16)
        case readBlock(UInt8, UInt8, reply: [UInt8])
        case fail(UInt8, UInt8, errno: Int32)

        var description: String {
            switch self {
            case .readByte(let a, let r, let v): "read byte 0x\(String(a, radix: 16)) reg 0x\(String(r, radix: 16)) -> 0x\(String(v, radix: 16))"
            case .writeByte(let a, let r, let v): "write byte 0x\(String(a, radix: 16)) reg 0x\(String(r, radix: 16)) = 0x\(String(v, radix: 16))"
            case .readWord(let a, let r, let v): "read word 0x\(String(a, radix: 16)) reg \(r) -> 0x\(String(v, radix: 16))"
            case .writeWord(let a, let r, let v): "write word 0x\(String(a, radix: 16)) reg \(r) = 0x\(String(v, radix: 16))"
            case .readBlock(let a, let r, let v): "read block 0x\(String(a, radix: 16)) reg 0x\(String(r, radix: 16)) -> \(v)"
            case .fail(let a, let r, let e): "fail 0x\(String(a, radix: 16)) reg 0x\(String(r, radix: 16)) errno \(e)"
            }
        }
    }

    let name = "scripted"
    private(set) var script: [Transfer]
    init(_ script: [Transfer]) { self.script = script }

    var finished: Bool { script.isEmpty }

    private func next(_ what: String, _ address: UInt8, _ register: UInt8) throws(I2CError) -> Transfer? {
        guard !script.isEmpty else {
            Issue.record("unexpected transfer after the script ended: \(what) 0x\(String(address, radix: 16)) reg 0x\(String(register, radix: 16))")
            throw I2CError(what, bus: name, address: address, register: register, errno: EIO)
        }
        let t = script.removeFirst()
        if case .fail(let a, let r, let e) = t {
            #expect(a == address && r == register, "expected a transfer to 0x\(String(a, radix: 16)) reg 0x\(String(r, radix: 16)), got \(what)")
            throw I2CError(what, bus: name, address: address, register: register, errno: e)
        }
        return t
    }

    func readByte(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        let t = try next("read byte", address, register)
        guard case .readByte(address, register, let reply) = t else { Issue.record("expected \(t!), got read byte 0x\(String(register, radix: 16))"); return 0 }
        return reply
    }
    func writeByte(_ address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        let t = try next("write byte", address, register)
        #expect(t == .writeByte(address, register, value), "expected \(t!), got write byte reg 0x\(String(register, radix: 16)) = 0x\(String(value, radix: 16))")
    }
    func readWord(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        let t = try next("read word", address, register)
        guard case .readWord(address, register, let reply) = t else { Issue.record("expected \(t!), got read word \(register)"); return 0 }
        return reply
    }
    func writeWord(_ address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        let t = try next("write word", address, register)
        #expect(t == .writeWord(address, register, value), "expected \(t!), got write word \(register) = 0x\(String(value, radix: 16))")
    }
    func readBlock(_ address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(I2CError) {
        let t = try next("read block", address, register)
        guard case .readBlock(address, register, let reply) = t, reply.count == buffer.count else {
            Issue.record("expected \(t!), got read block \(buffer.count) bytes")
            return
        }
        for (i, b) in reply.enumerated() { buffer[i] = b }
    }
}

