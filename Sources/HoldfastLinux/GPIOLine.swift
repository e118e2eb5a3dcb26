import CGPIOD
import HoldfastPOSIX
import HoldfastSensors

/// The libgpiod calls behind a line, as a seam (see ``I2CSyscalls``).
public protocol GPIOCalls: AnyObject {
    /// Requests `offset` on the chip at `path` for edge events (`output` false; `edge` nil: both edges)
    /// or as an output.
    func request(path: String, offset: UInt32, consumer: String, output: Bool, edge: Edge?, initial: Bool) -> OpaquePointer?
    /// 1 with an event, 0 on timeout, -1 on error.
    func waitEdge(_ line: OpaquePointer, timeoutNs: Int64, timestampNs: inout UInt64, rising: inout Bool) -> Int32
    func setValue(_ line: OpaquePointer, _ value: Bool) -> Int32
    func release(_ line: OpaquePointer)
    /// The label of the chip at `path`, or nil (with `lastError`) if it cannot be opened.
    func chipLabel(path: String) -> String?
    var lastError: Int32 { get }
}

/// The real calls, through the libgpiod v1/v2 shim.
public final class LibGPIOD: GPIOCalls {
    public init() {}
    public var lastError: Int32 { errno }
    /// 1 for libgpiod 1.x, 2 for 2.x: the generation this binary was built against.
    public static var apiGeneration: Int { Int(holdfast_gpiod_api()) }

    public func request(path: String, offset: UInt32, consumer: String, output: Bool, edge: Edge?, initial: Bool) -> OpaquePointer? {
        let edgeCode: Int32 = switch edge { case .rising: 1; case .falling: 2; case nil: 3 }
        return holdfast_gpio_request(path, offset, consumer, output ? 1 : 0, edgeCode, initial ? 1 : 0).map(OpaquePointer.init)
    }

    public func waitEdge(_ line: OpaquePointer, timeoutNs: Int64, timestampNs: inout UInt64, rising: inout Bool) -> Int32 {
        var up: Int32 = 0
        let rc = holdfast_gpio_wait_edge(UnsafeMutablePointer(line), timeoutNs, &timestampNs, &up)
        rising = up != 0
        return rc
    }

    public func setValue(_ line: OpaquePointer, _ value: Bool) -> Int32 {
        holdfast_gpio_set_value(UnsafeMutablePointer(line), value ? 1 : 0)
    }

    public func release(_ line: OpaquePointer) { holdfast_gpio_release(UnsafeMutablePointer(line)) }

    public func chipLabel(path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        guard case .success = valueOrErrno({ holdfast_gpio_chip_label(path, &buffer, buffer.count) }) else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Finds gpiochips by label ("pinctrl-bcm2711", "gpio-sim.0-node0") rather
/// than by number, which changes between boards and kernels.
public enum GPIOChips {
    /// The `/dev/gpiochipN` whose label is `label`; a path is returned as is.
    public static func path(for chip: String, calls: GPIOCalls = LibGPIOD(), devices: String = "/dev") throws(GPIOError) -> String {
        if chip.hasPrefix("/") { return chip }
        var labels: [String] = []
        for n in 0..<64 {
            let path = "\(devices)/gpiochip\(n)"
            guard case .success = valueOrErrno({ access(path, F_OK) }) else { continue }
            if let label = calls.chipLabel(path: path) {
                if label == chip || "gpiochip\(n)" == chip { return path }
                labels.append(label)
            }
        }
        throw GPIOError("find chip labelled \"\(chip)\" (found: \(labels.isEmpty ? "none" : labels.joined(separator: ", ")))",
                        line: devices + "/gpiochip*", errno: ENODEV)
    }
}

/// One requested line: owns the libgpiod request and releases it exactly once.
final class GPIORequest {
    let name: String
    let calls: GPIOCalls
    private(set) var handle: OpaquePointer?

    init(chip: String, offset: UInt32, consumer: String, output: Bool, edge: Edge?, initial: Bool,
         calls: GPIOCalls, purpose: String) throws(GPIOError) {
        let path = try GPIOChips.path(for: chip, calls: calls)
        name = "\(path) line \(offset)"
        self.calls = calls
        switch valueOrErrno(lastError: { calls.lastError }, {
            calls.request(path: path, offset: offset, consumer: consumer, output: output, edge: edge, initial: initial)
        }) {
        case .success(let h): handle = h
        case .failure(let e): throw GPIOError(purpose, line: name, errno: e.code)
        }
    }

    deinit { release() }

    func release() {
        if let handle { calls.release(handle) }
        handle = nil
    }

    /// The live handle, or EBADF after release.
    func live(_ operation: String) throws(GPIOError) -> OpaquePointer {
        guard let handle else { throw GPIOError(operation, line: name, errno: EBADF) }
        return handle
    }
}

/// A line requested for edge events, that survives its chip going away.
///
/// When the chip goes away under the request (a USB bridge that carries both
/// the I2C adapter and the data-ready line, unplugged), waits fail with
/// ENODEV: the dead request is released, which lets the kernel free the chip,
/// and the next wait requests the line again, finding the chip by its label
/// under whatever gpiochipN it came back as. Shared by the data-ready line
/// and the client's signal button.
final class GPIOEdgeWaiter {
    private let chip: String
    private let offset: UInt32
    /// nil: both edges.
    private let edge: Edge?
    private let consumer: String
    private let calls: GPIOCalls
    private var request: GPIORequest?
    private var releasedByCaller = false
    private(set) var name: String

    init(chip: String, offset: UInt32, edge: Edge?, consumer: String, calls: GPIOCalls) throws(GPIOError) {
        self.chip = chip
        self.offset = offset
        self.edge = edge
        self.consumer = consumer
        self.calls = calls
        let request = try Self.request(chip: chip, offset: offset, edge: edge, consumer: consumer, calls: calls)
        self.request = request
        name = request.name
    }

    private static func request(chip: String, offset: UInt32, edge: Edge?, consumer: String,
                                calls: GPIOCalls) throws(GPIOError) -> GPIORequest {
        try GPIORequest(chip: chip, offset: offset, consumer: consumer, output: false, edge: edge,
                        initial: false, calls: calls, purpose: "request for \(edge.map { "\($0)" } ?? "both") edge events")
    }

    func release() {
        releasedByCaller = true
        request?.release()
        request = nil
    }

    /// The next edge's time and direction, or nil on timeout.
    func wait(timeoutNs: Int64) throws(GPIOError) -> (timestampNs: Int64, rising: Bool)? {
        guard !releasedByCaller else { throw GPIOError("wait for edge", line: name, errno: EBADF) }
        let current: GPIORequest
        if let request {
            current = request
        } else {
            current = try Self.request(chip: chip, offset: offset, edge: edge, consumer: consumer, calls: calls)
            request = current
            name = current.name
        }
        let handle = try current.live("wait for edge")
        var timestamp: UInt64 = 0
        var rising = false
        switch valueOrErrno(lastError: { calls.lastError }, {
            calls.waitEdge(handle, timeoutNs: timeoutNs, timestampNs: &timestamp, rising: &rising)
        }) {
        case .success(0): return nil
        case .success: return (Int64(timestamp), rising)
        case .failure(let e):
            if e.code == ENODEV {  // the chip is gone: let it go, ask again next time
                current.release()
                request = nil
            }
            throw GPIOError("wait for edge", line: name, errno: e.code)
        }
    }
}

/// The converter's data-ready pin as a GPIO line requested for edge events
/// (which survives its chip going away: ``GPIOEdgeWaiter``).
public final class GPIODataReadyLine: DataReadyLine {
    private let waiter: GPIOEdgeWaiter
    public var name: String { waiter.name }

    public init(chip: String, offset: UInt32, edge: Edge, consumer: String = "holdfast",
                calls: GPIOCalls = LibGPIOD()) throws(GPIOError) {
        waiter = try GPIOEdgeWaiter(chip: chip, offset: offset, edge: edge, consumer: consumer, calls: calls)
    }

    /// Releases the line now; later waits fail with EBADF. Idempotent.
    public func release() { waiter.release() }

    public func waitForEdge(timeoutNs: Int64) throws(GPIOError) -> EdgeWait {
        guard let e = try waiter.wait(timeoutNs: timeoutNs) else { return .timeout }
        return .edge(timestampNs: e.timestampNs)
    }
}

/// A push button or foot pedal on a GPIO input, both edges (the debouncer
/// needs the releases too), for the client's "now".
public final class GPIOInputLine: InputLine {
    private let waiter: GPIOEdgeWaiter
    public var name: String { waiter.name }

    public init(chip: String, offset: UInt32, consumer: String = "holdfast", calls: GPIOCalls = LibGPIOD()) throws(GPIOError) {
        waiter = try GPIOEdgeWaiter(chip: chip, offset: offset, edge: nil, consumer: consumer, calls: calls)
    }

    public func release() { waiter.release() }

    public func waitForChange(timeoutNs: Int64) throws(GPIOError) -> LineChange {
        guard let e = try waiter.wait(timeoutNs: timeoutNs) else { return .timeout }
        return .edge(timestampNs: e.timestampNs, rising: e.rising)
    }
}

/// A GPIO output (a buzzer or LED for the over-pressure alarm).
public final class GPIOOutput {
    private let request: GPIORequest
    public var name: String { request.name }

    public init(chip: String, offset: UInt32, initial: Bool = false, consumer: String = "holdfast",
                calls: GPIOCalls = LibGPIOD()) throws(GPIOError) {
        request = try GPIORequest(chip: chip, offset: offset, consumer: consumer, output: true, edge: nil,
                                  initial: initial, calls: calls, purpose: "request as output")
    }

    public func set(_ value: Bool) throws(GPIOError) {
        let handle = try request.live("set value")
        let calls = request.calls
        if case .failure(let e) = valueOrErrno(lastError: { calls.lastError }, { calls.setValue(handle, value) }) {
            throw GPIOError("set value", line: name, errno: e.code)
        }
    }
}
