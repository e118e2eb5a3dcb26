import Foundation
import HoldfastEmulation
import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors
import Testing

@Suite("Linux I2C bus")
struct LinuxI2CBusTests {
    @Test func selectsTheAddressOnlyWhenItChanges() throws {
        let sys = MockI2CSyscalls()
        let bus = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: sys)
        try bus.writeByte(0x2A, register: 0x00, value: 0x02)
        _ = try bus.readByte(0x2A, register: 0x00)
        _ = try bus.readWord(0x48, register: 0x01)
        #expect(sys.calls == ["open /dev/i2c-1", "address 42", "write byte 0 2", "read byte 0", "address 72", "read word 1"])
    }

    @Test func failuresCarryOperationAddressRegisterAndErrno() throws {
        let sys = MockI2CSyscalls()
        sys.failures = [("read byte 31", EREMOTEIO)]
        let bus = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: sys)
        do {
            _ = try bus.readByte(0x2A, register: 0x1F)
            Issue.record("no error")
        } catch {
            #expect(error == I2CError("read byte", bus: "/dev/i2c-1", address: 0x2A, register: 0x1F, errno: EREMOTEIO))
            #expect(error.isRecoverable)
            #expect(!error.isBug)
            #expect(error.description.contains("/dev/i2c-1 address 0x2A: read byte register 0x1F failed: Remote I/O error"))
        }
    }

    @Test func interruptedCallsAreRetried() throws {
        let sys = MockI2CSyscalls()
        sys.failures = [("address", EINTR), ("read byte 5", EINTR)]
        let bus = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: sys)
        sys.bytes[5] = 0xAB
        #expect(try bus.readByte(0x2A, register: 5) == 0xAB)
        #expect(sys.calls.filter { $0.hasPrefix("read byte") }.count == 2)
    }

    @Test func aKernelDriverOwningTheAddressIsReported() throws {
        let sys = MockI2CSyscalls()
        sys.failures = [("address", EBUSY)]
        let bus = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: sys)
        #expect(throws: I2CError("set address", bus: "/dev/i2c-1", address: 0x48, register: nil, errno: EBUSY)) {
            try bus.writeWord(0x48, register: 1, value: 0)
        }
    }

    @Test func shortBlockReadsAreErrors() throws {
        final class Short: I2CSyscalls {
            let inner = MockI2CSyscalls()
            var lastError: Int32 { inner.lastError }
            func open(_ path: String) -> Int32 { inner.open(path) }
            func close(_ fd: Int32) -> Int32 { inner.close(fd) }
            func setAddress(_ fd: Int32, _ a: UInt8) -> Int32 { 0 }
            func readByteData(_ fd: Int32, _ r: UInt8) -> Int32 { 0 }
            func writeByteData(_ fd: Int32, _ r: UInt8, _ v: UInt8) -> Int32 { 0 }
            func readWordData(_ fd: Int32, _ r: UInt8) -> Int32 { 0 }
            func writeWordData(_ fd: Int32, _ r: UInt8, _ v: UInt16) -> Int32 { 0 }
            func readI2CBlockData(_ fd: Int32, _ r: UInt8, _ b: UnsafeMutableRawBufferPointer) -> Int32 { 2 }
            func deviceRemoved(path: String, fd: Int32) -> Bool { false }
        }
        let bus = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: Short())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 3, alignment: 1)
        defer { buffer.deallocate() }
        #expect(throws: I2CError.self) { try bus.readBlock(0x2A, register: 0x12, into: buffer) }
    }

    @Test func theDescriptorIsClosedExactlyOnce() throws {
        let sys = MockI2CSyscalls()
        do {
            let bus = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: sys)
            bus.close()
            bus.close()
            #expect(throws: I2CError.self) { try bus.readByte(0x2A, register: 0) }
        }
        #expect(sys.closes == 1)
    }

    @Test func openFailuresNameThePath() {
        let sys = MockI2CSyscalls()
        sys.failures = [("open", EACCES)]
        do {
            _ = try LinuxI2CBus(path: "/dev/i2c-1", syscalls: sys)
            Issue.record("no error")
        } catch {
            #expect(error.errno == EACCES)
            #expect(error.description.contains("/dev/i2c-1"))
            #expect(error.description.contains("i2c group"))
        }
    }

    /// The real libi2c path on a device that is not an I2C adapter.
    @Test func realCallsOnANonI2CDeviceFailCleanly() throws {
        #expect(throws: SystemError.self) { try LinuxI2CBus(path: "/nonexistent/i2c-9") }
        let bus = try LinuxI2CBus(path: "/dev/null")
        do {
            _ = try bus.readByte(0x2A, register: 0)
            Issue.record("no error")
        } catch {
            #expect(error.operation == "set address")
            #expect(error.errno == ENOTTY)
            #expect(!error.isRecoverable)
        }
    }
}

@Suite("Linux I2C bus, adapter loss")
struct LinuxI2CBusAdapterLossTests {
    @Test func aVanishedAdapterIsReopenedOnTheNextTransfer() throws {
        let sys = MockI2CSyscalls()
        let bus = try LinuxI2CBus(path: "/dev/i2c-3", syscalls: sys)
        _ = try bus.readByte(0x2A, register: 1)
        sys.failures = [("read byte 1", ENODEV), ("open", ENOENT)]
        #expect(throws: I2CError("read byte", bus: "/dev/i2c-3", address: 0x2A, register: 1, errno: ENODEV)) {
            try bus.readByte(0x2A, register: 1)
        }
        // Still gone: the reopen fails, and the acquisition will retry.
        do { _ = try bus.readByte(0x2A, register: 1); Issue.record("no error") } catch {
            #expect(error.operation == "reopen" && error.errno == ENOENT && error.isRecoverable)
        }
        // Back: reopened, the address selected again, the transfer done.
        sys.bytes[1] = 0x42
        #expect(try bus.readByte(0x2A, register: 1) == 0x42)
        #expect(sys.calls.suffix(3) == ["open /dev/i2c-3", "address 42", "read byte 1"])
        #expect(sys.closes == 1)
    }

    /// The kernel's removal waits for our close while transfers still work:
    /// the bus must notice the node has gone by itself, within a second.
    @Test func aRemovedNodeIsNoticedWithinASecondAndTheDescriptorDropped() throws {
        let sys = MockI2CSyscalls(), clock = VirtualClock(startNs: 5_000_000_000)
        let bus = try LinuxI2CBus(path: "/dev/i2c-4", syscalls: sys, clock: clock)
        sys.bytes[2] = 0x11
        #expect(try bus.readByte(0x48, register: 2) == 0x11)
        sys.nodeRemoved = true
        clock.advance(byNs: LinuxI2CBus.removalCheckIntervalNs / 2)
        #expect(try bus.readByte(0x48, register: 2) == 0x11)  // not looked at yet: no stat per transfer
        #expect(sys.removalChecks == 0 && sys.closes == 0)
        clock.advance(byNs: LinuxI2CBus.removalCheckIntervalNs / 2)
        do { _ = try bus.readByte(0x48, register: 2); Issue.record("no error") } catch {
            #expect(error.errno == ENODEV && error.isRecoverable)
            #expect(error.description.contains("/dev/i2c-4") && error.description.contains("adapter removed"))
        }
        #expect(sys.closes == 1)
        // While the adapter is away the reopen fails; once it is back the bus carries on.
        sys.failures = [("open", ENOENT)]
        #expect(throws: I2CError.self) { try bus.readByte(0x48, register: 2) }
        sys.nodeRemoved = false
        #expect(try bus.readByte(0x48, register: 2) == 0x11)
        #expect(sys.calls.suffix(3) == ["open /dev/i2c-4", "address 72", "read byte 2"])
        #expect(sys.closes == 1)
    }

    @Test func aFailedTransferLooksAtTheNodeAtOnce() throws {
        let sys = MockI2CSyscalls(), clock = VirtualClock(startNs: 5_000_000_000)
        let bus = try LinuxI2CBus(path: "/dev/i2c-4", syscalls: sys, clock: clock)
        _ = try bus.readByte(0x48, register: 0)
        sys.failures = [("read byte 0", EIO)]
        #expect(throws: I2CError("read byte", bus: "/dev/i2c-4", address: 0x48, register: 0, errno: EIO)) {
            try bus.readByte(0x48, register: 0)
        }
        #expect(sys.removalChecks == 1 && sys.closes == 0)  // an EIO with the node in place keeps the descriptor
        sys.failures = [("read byte 0", EIO)]
        sys.nodeRemoved = true
        #expect(throws: I2CError.self) { try bus.readByte(0x48, register: 0) }
        #expect(sys.closes == 1)
    }

    /// The real check: a node that disappears or comes back as another device is removal.
    @Test func theRealCheckComparesTheNodeWithTheOpenDevice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-node-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let node = dir + "/i2c-9", sys = LibI2C()
        try FileManager.default.createSymbolicLink(atPath: node, withDestinationPath: "/dev/null")
        let fd = sys.open(node)
        try #require(fd >= 0)
        defer { _ = sys.close(fd) }
        #expect(!sys.deviceRemoved(path: node, fd: fd))
        try FileManager.default.removeItem(atPath: node)
        #expect(sys.deviceRemoved(path: node, fd: fd))
        try FileManager.default.createSymbolicLink(atPath: node, withDestinationPath: "/dev/zero")
        #expect(sys.deviceRemoved(path: node, fd: fd))
        try FileManager.default.removeItem(atPath: node)
        try FileManager.default.createSymbolicLink(atPath: node, withDestinationPath: "/dev/null")
        #expect(!sys.deviceRemoved(path: node, fd: fd))
    }
}
