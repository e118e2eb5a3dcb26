import HoldfastPOSIX

/// A failed I2C transfer: what, where, and the C error.
///
/// Bus trouble (a NACK, a vanished device, a timeout) is recoverable: the
/// acquisition backs off and re-initialises. EBADF and EFAULT mean our own
/// bug — a closed descriptor, a bad pointer — and callers trap on them rather
/// than retry forever.
public struct I2CError: Error, Equatable, CustomStringConvertible {
    /// E.g. "read byte", "write word", "set address".
    public let operation: String
    /// The bus, e.g. "/dev/i2c-1" or "emulated NAU7802".
    public let bus: String
    public let address: UInt8
    public let register: UInt8?
    public let errno: Int32

    public init(_ operation: String, bus: String, address: UInt8, register: UInt8?, errno: Int32) {
        self.operation = operation
        self.bus = bus
        self.address = address
        self.register = register
        self.errno = errno
    }

    /// Trouble on the wire or with the device, worth a retry.
    public var isRecoverable: Bool {
        // ENOENT: the adapter's device node is gone (reopening after ENODEV).
        [EREMOTEIO, ENXIO, EIO, ETIMEDOUT, EAGAIN, ENODEV, ENOENT, EBUSY, EPROTO].contains(errno)
    }

    /// The operation of a bus reopening its adapter after losing it.
    public static let reopen = "reopen"

    /// The adapter's device node is not there to reopen: unplugged, or its driver unloaded.
    public var isAdapterGone: Bool { operation == Self.reopen && (errno == ENOENT || errno == ENODEV || errno == ENXIO) }

    /// Our own mistake (EBADF, EFAULT): retrying cannot help.
    public var isBug: Bool { Errno(errno).isBug }

    public var description: String {
        let reg = register.map { " register 0x\(hex($0))" } ?? ""
        return "\(bus) address 0x\(hex(address)): \(operation)\(reg) failed: \(SystemError.describe(errno))"
    }
}

func hex(_ v: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(v >> 4)], digits[Int(v & 0xF)]])
}
