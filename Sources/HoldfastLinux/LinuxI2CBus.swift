import HoldfastPOSIX
import HoldfastSensors

/// An I2C bus through the kernel's `/dev/i2c-N` character device.
///
/// Owns its descriptor and closes it exactly once (in `close()` or deinit).
/// Selects the target with I2C_SLAVE, never I2C_SLAVE_FORCE, and only when
/// the address changes. Every call goes through the errno funnel
/// (``valueOrErrno``), with the seam's own error number: interrupted calls
/// are retried.
///
/// When the adapter itself goes away (a USB bridge unplugged, its driver
/// unloaded) the descriptor is dropped and the device reopened on a later
/// transfer, so the acquisition's retries succeed once the adapter is back.
/// The kernel cannot finish removing an adapter while anyone holds it open
/// (i2c_del_adapter waits for the last close, and meanwhile transfers may
/// still succeed), so ENODEV alone is not enough: the bus also checks that
/// its node still names its device, after every failure and once a second.
public final class LinuxI2CBus: I2CBus {
    /// How long the kernel may be kept waiting for our close after removing the node.
    public static let removalCheckIntervalNs: Int64 = 1_000_000_000

    public let name: String
    private let sys: I2CSyscalls
    private let clock: MonotonicClock
    private var fd: Int32
    private var selected: UInt8?
    private var closedByCaller = false
    private var nextRemovalCheckNs: Int64

    /// Opens `path` (e.g. "/dev/i2c-1").
    public init(path: String, syscalls: I2CSyscalls = LibI2C(),
                clock: MonotonicClock = SystemMonotonicClock()) throws(SystemError) {
        name = path
        sys = syscalls
        self.clock = clock
        nextRemovalCheckNs = clock.nowNs() + Self.removalCheckIntervalNs
        switch valueOrErrno(lastError: { syscalls.lastError }, { syscalls.open(path) }) {
        case .success(let opened): fd = opened
        case .failure(let e):
            throw SystemError("open", path + (e.code == EACCES ? " (is the user in the i2c group? see Hardware/README.md)" : ""),
                              errno: e.code)
        }
    }

    deinit { close() }

    /// Closes the descriptor; later transfers fail with EBADF. Idempotent.
    public func close() {
        closedByCaller = true
        release()
    }

    private func release() {
        guard fd >= 0 else { return }
        let descriptor = fd
        _ = valueOrErrno(retryOnInterrupt: false, lastError: { sys.lastError }) { sys.close(descriptor) }
        fd = -1
        selected = nil
    }

    /// Drops the descriptor if the adapter's node is gone or names another
    /// device, so the kernel can finish removing the adapter.
    private func releaseIfRemoved() -> Bool {
        guard fd >= 0, sys.deviceRemoved(path: name, fd: fd) else { return false }
        release()
        return true
    }

    /// After a failure: ENODEV says the adapter is gone; otherwise look at its node.
    private func releaseIfGone(after code: Int32) {
        if code == ENODEV { release() } else { _ = releaseIfRemoved() }
    }

    public func readByte(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
        UInt8(truncatingIfNeeded: try transfer("read byte", address, register) { sys.readByteData(fd, register) })
    }

    public func writeByte(_ address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
        _ = try transfer("write byte", address, register) { sys.writeByteData(fd, register, value) }
    }

    public func readWord(_ address: UInt8, register: UInt8) throws(I2CError) -> UInt16 {
        UInt16(truncatingIfNeeded: try transfer("read word", address, register) { sys.readWordData(fd, register) })
    }

    public func writeWord(_ address: UInt8, register: UInt8, value: UInt16) throws(I2CError) {
        _ = try transfer("write word", address, register) { sys.writeWordData(fd, register, value) }
    }

    public func readBlock(_ address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(I2CError) {
        precondition(buffer.count <= 32, "an I2C block transfer carries at most 32 bytes")
        let n = try transfer("read block", address, register) { sys.readI2CBlockData(fd, register, buffer) }
        // A short read would leave stale bytes in the buffer: report it as an I/O error.
        guard n == buffer.count else { throw I2CError("read block (short: \(n) of \(buffer.count) bytes)", bus: name,
                                                     address: address, register: register, errno: EIO) }
    }

    /// Runs one seam call through the errno funnel, with the seam's error number.
    private func call(_ body: () -> Int32) -> Result<Int32, Errno> {
        valueOrErrno(lastError: { sys.lastError }, body)
    }

    /// Selects `address` if needed, runs `body` (retrying EINTR), and turns a failure into an error.
    private func transfer(_ operation: String, _ address: UInt8, _ register: UInt8,
                          _ body: () -> Int32) throws(I2CError) -> Int32 {
        guard !closedByCaller else { throw I2CError(operation + " (bus closed)", bus: name, address: address, register: register, errno: EBADF) }
        if fd < 0 {
            switch call({ sys.open(name) }) {
            case .success(let reopened): fd = reopened
            case .failure(let e): throw I2CError(I2CError.reopen, bus: name, address: address, register: nil, errno: e.code)
            }
            nextRemovalCheckNs = clock.nowNs() + Self.removalCheckIntervalNs
        } else {
            let now = clock.nowNs()
            if now >= nextRemovalCheckNs {
                nextRemovalCheckNs = now + Self.removalCheckIntervalNs
                if releaseIfRemoved() {
                    throw I2CError(operation + " (adapter removed)", bus: name, address: address, register: register, errno: ENODEV)
                }
            }
        }
        if selected != address {
            let descriptor = fd
            if case .failure(let e) = call({ sys.setAddress(descriptor, address) }) {
                releaseIfGone(after: e.code)
                // EBUSY: a kernel driver has claimed this address; we never force it.
                throw I2CError("set address", bus: name, address: address, register: nil, errno: e.code)
            }
            selected = address
        }
        switch call(body) {
        case .success(let result): return result
        case .failure(let e):
            releaseIfGone(after: e.code)
            throw I2CError(operation, bus: name, address: address, register: register, errno: e.code)
        }
    }
}
