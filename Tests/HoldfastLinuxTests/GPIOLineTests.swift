import Foundation
import HoldfastLinux
import HoldfastPOSIX
import HoldfastSensors
import Testing

@Suite("GPIO lines")
struct GPIOLineTests {
    @Test func edgesTimeoutsAndInterruptions() throws {
        let calls = MockGPIOCalls()
        calls.waits = [(1, 0, 1_000), (0, 0, 0), (-1, EINTR, 0), (1, 0, 2_000), (-1, EIO, 0)]
        let line = try GPIODataReadyLine(chip: "/dev/gpiochip0", offset: 17, edge: .rising, calls: calls)
        #expect(calls.requested == ["/dev/gpiochip0 17 rising"])
        #expect(try line.waitForEdge(timeoutNs: 1) == .edge(timestampNs: 1_000))
        #expect(try line.waitForEdge(timeoutNs: 1) == .timeout)
        #expect(try line.waitForEdge(timeoutNs: 1) == .edge(timestampNs: 2_000))
        #expect(throws: GPIOError("wait for edge", line: "/dev/gpiochip0 line 17", errno: EIO)) {
            try line.waitForEdge(timeoutNs: 1)
        }
        line.release()
        line.release()
        #expect(calls.released == 1)
    }

    /// The client's button: both edges requested, each reported with its direction; a vanished chip is
    /// let go and asked for again, as for the data-ready line (one waiter serves both).
    @Test func theSignalButtonWaitsForBothEdges() throws {
        let calls = MockGPIOCalls()
        calls.waits = [(1, 0, 5_000), (0, 0, 0), (-1, ENODEV, 0), (1, 0, 7_000)]
        let button = try GPIOInputLine(chip: "/dev/gpiochip1", offset: 22, calls: calls)
        #expect(calls.requested == ["/dev/gpiochip1 22 both"])
        #expect(try button.waitForChange(timeoutNs: 1) == .edge(timestampNs: 5_000, rising: true))
        #expect(try button.waitForChange(timeoutNs: 1) == .timeout)
        #expect(throws: GPIOError.self) { try button.waitForChange(timeoutNs: 1) }
        #expect(calls.released == 1)
        #expect(try button.waitForChange(timeoutNs: 1) == .edge(timestampNs: 7_000, rising: true))
        #expect(calls.requested == ["/dev/gpiochip1 22 both", "/dev/gpiochip1 22 both"])
        button.release()
    }

    /// The chip goes away under the request (ENODEV), is not there for a while, then returns.
    @Test func aVanishedChipIsReleasedAndRequestedAgainWhenItReturns() throws {
        let calls = MockGPIOCalls()
        calls.waits = [(1, 0, 1_000), (-1, ENODEV, 0), (1, 0, 9_000)]
        let line = try GPIODataReadyLine(chip: "/dev/gpiochip3", offset: 0, edge: .falling, calls: calls)
        #expect(try line.waitForEdge(timeoutNs: 1) == .edge(timestampNs: 1_000))
        #expect(throws: GPIOError("wait for edge", line: "/dev/gpiochip3 line 0", errno: ENODEV)) {
            try line.waitForEdge(timeoutNs: 1)
        }
        #expect(calls.released == 1)  // the dead request let go at once, so the kernel can free the chip
        calls.requestErrno = ENOENT  // not back yet
        #expect(throws: GPIOError.self) { try line.waitForEdge(timeoutNs: 1) }
        calls.requestErrno = nil
        #expect(try line.waitForEdge(timeoutNs: 1) == .edge(timestampNs: 9_000))
        #expect(calls.requested == ["/dev/gpiochip3 0 falling", "/dev/gpiochip3 0 falling", "/dev/gpiochip3 0 falling"])
        line.release()
        #expect(calls.released == 2)
        #expect(throws: GPIOError("wait for edge", line: "/dev/gpiochip3 line 0", errno: EBADF)) {
            try line.waitForEdge(timeoutNs: 1)
        }
    }

    @Test func chipsAreFoundByLabel() throws {
        let calls = MockGPIOCalls()
        let dir = NSTemporaryDirectory() + "holdfast-gpio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for n in 0..<2 { FileManager.default.createFile(atPath: "\(dir)/gpiochip\(n)", contents: nil) }
        calls.labels = ["\(dir)/gpiochip0": "pinctrl-rp1", "\(dir)/gpiochip1": "gpio-sim.0-node0"]
        #expect(try GPIOChips.path(for: "gpio-sim.0-node0", calls: calls, devices: dir) == "\(dir)/gpiochip1")
        #expect(try GPIOChips.path(for: "/dev/gpiochip4", calls: calls, devices: dir) == "/dev/gpiochip4")
        do {
            _ = try GPIOChips.path(for: "pinctrl-bcm2711", calls: calls, devices: dir)
            Issue.record("no error")
        } catch {
            #expect(error.description.contains("pinctrl-rp1, gpio-sim.0-node0"))
        }
    }

    @Test func aRefusedRequestSaysWhy() {
        let calls = MockGPIOCalls()
        calls.requestErrno = EBUSY
        #expect(throws: GPIOError("request for falling edge events", line: "/dev/gpiochip0 line 4", errno: EBUSY)) {
            try GPIODataReadyLine(chip: "/dev/gpiochip0", offset: 4, edge: .falling, calls: calls)
        }
    }

    /// The real libgpiod, whichever generation this was built against.
    @Test func realLibgpiodReportsAMissingChip() {
        if let expected = ProcessInfo.processInfo.environment["HOLDFAST_EXPECT_GPIOD_API"] {
            #expect(String(LibGPIOD.apiGeneration) == expected)
        }
        #expect(throws: GPIOError.self) { try GPIODataReadyLine(chip: "/nonexistent/gpiochip9", offset: 0, edge: .rising) }
        do {
            _ = try GPIODataReadyLine(chip: "/nonexistent/gpiochip9", offset: 0, edge: .rising)
        } catch {
            #expect(error.errno == ENOENT)
        }
    }
}
