import CI2C
import HoldfastPOSIX

/// The system calls behind `/dev/i2c-N`, as a seam: production code uses
/// ``LibI2C``; tests substitute a double that records every call and fails
/// chosen ones with a chosen errno, so error paths are tested without hardware.
///
/// Each call returns what the C call returns (-1 on failure), and
/// `lastError` is the errno of the last failure.
public protocol I2CSyscalls: AnyObject {
    func open(_ path: String) -> Int32
    func close(_ fd: Int32) -> Int32
    func setAddress(_ fd: Int32, _ address: UInt8) -> Int32
    func readByteData(_ fd: Int32, _ register: UInt8) -> Int32
    func writeByteData(_ fd: Int32, _ register: UInt8, _ value: UInt8) -> Int32
    func readWordData(_ fd: Int32, _ register: UInt8) -> Int32
    func writeWordData(_ fd: Int32, _ register: UInt8, _ value: UInt16) -> Int32
    func readI2CBlockData(_ fd: Int32, _ register: UInt8, _ buffer: UnsafeMutableRawBufferPointer) -> Int32
    /// Whether the node at `path` no longer names the device `fd` has open:
    /// gone, or now another device. Only proof counts: a failure other than
    /// a missing node (EACCES on /dev, say) is not taken as removal.
    func deviceRemoved(path: String, fd: Int32) -> Bool
    var lastError: Int32 { get }
}

/// The real calls: open(2), ioctl(I2C_SLAVE) and libi2c's SMBus functions.
public final class LibI2C: I2CSyscalls {
    public init() {}
    public var lastError: Int32 { errno }
    public func open(_ path: String) -> Int32 { HoldfastPOSIX.open(path, O_RDWR | O_CLOEXEC) }
    public func close(_ fd: Int32) -> Int32 { HoldfastPOSIX.close(fd) }
    public func setAddress(_ fd: Int32, _ address: UInt8) -> Int32 { holdfast_i2c_set_address(fd, UInt16(address)) }
    public func readByteData(_ fd: Int32, _ register: UInt8) -> Int32 { i2c_smbus_read_byte_data(fd, register) }
    public func writeByteData(_ fd: Int32, _ register: UInt8, _ value: UInt8) -> Int32 {
        i2c_smbus_write_byte_data(fd, register, value)
    }
    public func readWordData(_ fd: Int32, _ register: UInt8) -> Int32 { i2c_smbus_read_word_data(fd, register) }
    public func writeWordData(_ fd: Int32, _ register: UInt8, _ value: UInt16) -> Int32 {
        i2c_smbus_write_word_data(fd, register, value)
    }
    public func readI2CBlockData(_ fd: Int32, _ register: UInt8, _ buffer: UnsafeMutableRawBufferPointer) -> Int32 {
        i2c_smbus_read_i2c_block_data(fd, register, UInt8(buffer.count),
                                      buffer.baseAddress?.assumingMemoryBound(to: UInt8.self))
    }
    public func deviceRemoved(path: String, fd: Int32) -> Bool {
        guard case .success(let open) = fileStatus(descriptor: fd) else { return false }
        switch fileStatus(path) {
        case .success(let node): return node.st_rdev != open.st_rdev || (node.st_mode & S_IFMT) != (open.st_mode & S_IFMT)
        case .failure(let e): return e.code == ENOENT || e.code == ENOTDIR
        }
    }
}
