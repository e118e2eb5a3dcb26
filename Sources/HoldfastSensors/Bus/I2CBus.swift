/// An I2C bus as the drivers see it: the SMBus-style transfers that both
/// Linux's `/dev/i2c-N` (through libi2c) and the kernel's i2c-stub support.
/// Drivers depend on this protocol only, so the same driver code runs against
/// real hardware, the emulators and scripted test doubles.
public protocol I2CBus: AnyObject {
    /// Names the bus in errors ("/dev/i2c-1").
    var name: String { get }

    func readByte(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt8
    func writeByte(_ address: UInt8, register: UInt8, value: UInt8) throws(I2CError)
    /// An SMBus word: the first byte on the wire is the *low* byte.
    func readWord(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt16
    /// An SMBus word: `value & 0xFF` goes on the wire first.
    func writeWord(_ address: UInt8, register: UInt8, value: UInt16) throws(I2CError)
    /// An I2C block read of `buffer.count` bytes (at most 32) starting at `register`.
    func readBlock(_ address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(I2CError)
}

extension I2CBus {
    /// A 16-bit register sent most significant byte first (as TI's ADS1x15
    /// does), read through the SMBus word transfer, which assumes the opposite.
    public func readBigEndianWord(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        try readWord(address, register: register).byteSwapped
    }

    public func writeBigEndianWord(_ address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        try writeWord(address, register: register, value: value.byteSwapped)
    }
}
