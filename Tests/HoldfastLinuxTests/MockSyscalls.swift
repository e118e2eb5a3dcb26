import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors

/// Records every I2C system call and fails the ones a test chooses.
final class MockI2CSyscalls: I2CSyscalls {
    var calls: [String] = []
    var lastError: Int32 = 0
    /// errno to fail calls with, consumed in order, matched by call-name prefix.
    var failures: [(prefix: String, errno: Int32)] = []
    var bytes: [UInt8: UInt8] = [:]
    var closes = 0
    /// Whether the node no longer names the open device (the adapter is being removed).
    var nodeRemoved = false
    var removalChecks = 0

    private func fails(_ call: String) -> Bool {
        calls.append(call)
        if let i = failures.firstIndex(where: { call.hasPrefix($0.prefix) }) {
            lastError = failures.remove(at: i).errno
            return true
        }
        return false
    }

    func open(_ path: String) -> Int32 { fails("open \(path)") ? -1 : 7 }
    func close(_ fd: Int32) -> Int32 { closes += 1; calls.append("close \(fd)"); return 0 }
    func setAddress(_ fd: Int32, _ address: UInt8) -> Int32 { fails("address \(address)") ? -1 : 0 }
    func readByteData(_ fd: Int32, _ register: UInt8) -> Int32 {
        fails("read byte \(register)") ? -1 : Int32(bytes[register] ?? 0)
    }
    func writeByteData(_ fd: Int32, _ register: UInt8, _ value: UInt8) -> Int32 {
        if fails("write byte \(register) \(value)") { return -1 }
        bytes[register] = value
        return 0
    }
    func readWordData(_ fd: Int32, _ register: UInt8) -> Int32 { fails("read word \(register)") ? -1 : 0x1234 }
    func writeWordData(_ fd: Int32, _ register: UInt8, _ value: UInt16) -> Int32 {
        fails("write word \(register) \(value)") ? -1 : 0
    }
    func deviceRemoved(path: String, fd: Int32) -> Bool {
        removalChecks += 1
        return nodeRemoved
    }
    func readI2CBlockData(_ fd: Int32, _ register: UInt8, _ buffer: UnsafeMutableRawBufferPointer) -> Int32 {
        if fails("read block \(register) \(buffer.count)") { return -1 }
        for i in 0..<buffer.count { buffer[i] = UInt8(i + 1) }
        return Int32(buffer.count)
    }
}


/// Stands in for libgpiod.
final class MockGPIOCalls: GPIOCalls {
    var lastError: Int32 = 0
    var labels: [String: String] = [:]
    var waits: [(rc: Int32, errno: Int32, timestamp: UInt64)] = []
    var released = 0
    var requestErrno: Int32?
    var requested: [String] = []

    func request(path: String, offset: UInt32, consumer: String, output: Bool, edge: Edge?, initial: Bool) -> OpaquePointer? {
        requested.append("\(path) \(offset) \(output ? "output" : "\(edge.map { "\($0)" } ?? "both")")")
        if let e = requestErrno { lastError = e; return nil }
        return OpaquePointer(bitPattern: 0x1000)
    }
    func waitEdge(_ line: OpaquePointer, timeoutNs: Int64, timestampNs: inout UInt64, rising: inout Bool) -> Int32 {
        let next = waits.removeFirst()
        lastError = next.errno
        timestampNs = next.timestamp
        rising = true
        return next.rc
    }
    func setValue(_ line: OpaquePointer, _ value: Bool) -> Int32 { 0 }
    func release(_ line: OpaquePointer) { released += 1 }
    func chipLabel(path: String) -> String? { labels[path] }
}
