import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors
import HoldfastEmulation
import Testing

/// The acquisition loop against a scripted chip and line: what it does with
/// the edges the kernel queued while it was away.
@Suite("Acquisition, queued edges")
struct AcquisitionEdgeTests {
    /// Counts conversions; fails the reads it is told to.
    final class ScriptedSensor: ForceSensor {
        let identity = SensorIdentity(chip: "scripted", bus: "test", address: 0x48)
        let sampleRateHz = 1000.0
        let dataReadyEdge = Edge.falling
        let clock: VirtualClock
        var failReads = 0
        var failStarts = 0
        var starts: [Int64] = []
        var reads = 0
        init(clock: VirtualClock) { self.clock = clock }
        func start() throws(SensorError) {
            if failStarts > 0 {
                failStarts -= 1
                throw .noChip(identity, I2CError(I2CError.reopen, bus: "test", address: 0x48, register: nil, errno: ENOENT))
            }
            starts.append(clock.nowNs())
        }
        func conversionReady() throws(I2CError) -> Bool? { nil }
        func isConfigured() throws(I2CError) -> Bool { true }
        func readConversion() throws(I2CError) -> Reading {
            if failReads > 0 {
                failReads -= 1
                clock.advance(byNs: 5_000_000)  // a slow failure: the chip keeps converting meanwhile
                throw I2CError("read word", bus: "test", address: 0x48, register: 0, errno: EREMOTEIO)
            }
            reads += 1
            return Reading(raw: Int32(reads), saturated: false)
        }
    }

    @Test func edgesFromBeforeARestartDoNotStampLaterReadings() throws {
        let clock = VirtualClock(startNs: 1_000_000)
        let sensor = ScriptedSensor(clock: clock)
        // One edge per millisecond from 2 to 20 ms; the read at 3 ms fails and takes 5 ms,
        // so the edges of 4–8 ms sit in the queue until after the restart.
        let line = BacklogLine(Array(stride(from: Int64(2_000_000), through: 20_000_000, by: 1_000_000)), clock: clock)
        let ring = try SPSCRing<Sample>(minimumCapacity: 64)
        let acquisition = Acquisition(sensor: sensor, line: line, clock: clock, ring: ring)
        var steps = 0
        acquisition.run(until: {
            steps += 1
            if steps == 3 { sensor.failReads = 1 }
            return line.edges.isEmpty || steps > 100
        })
        var samples: [Sample] = []
        while let s = ring.pop() { samples.append(s) }
        try #require(sensor.starts.count == 2)
        let restart = sensor.starts[1]
        #expect(samples.allSatisfy { $0.timestampNs < 3_000_000 || $0.timestampNs >= restart },
                "\(samples.map(\.timestampNs)) with a restart at \(restart)")
        let afterGap = samples.filter { $0.flags.contains(.afterGap) }
        #expect(afterGap.count == 1 && afterGap.first.map { $0.timestampNs >= restart } == true)
    }

    /// The line goes quiet, the acquisition polls; the edges that arrive meanwhile
    /// queue in the kernel and are still there when it goes back to the line a
    /// second later. Readings must not be stamped with those old times.
    @Test func edgesQueuedWhilePollingDoNotSendTimeBackwards() throws {
        let clock = VirtualClock(startNs: 1_000_000)
        let sensor = ScriptedSensor(clock: clock)
        // Edges at 2–4 ms, silence, then one per millisecond from 100 ms on, all queued.
        let edges = [2, 3, 4].map { Int64($0) * 1_000_000 } + stride(from: Int64(100_000_000), to: 1_500_000_000, by: 1_000_000)
        let line = BacklogLine(edges, clock: clock)
        let ring = try SPSCRing<Sample>(minimumCapacity: 1 << 12)
        let acquisition = Acquisition(sensor: sensor, line: line, clock: clock, ring: ring)
        acquisition.run(until: { clock.nowNs() > 1_400_000_000 })
        var samples: [Sample] = []
        while let s = ring.pop() { samples.append(s) }
        #expect(acquisition.statistics.snapshot.polledSamples > 0)
        let backwards = zip(samples, samples.dropFirst()).filter { $1.timestampNs <= $0.timestampNs }
        #expect(backwards.isEmpty, "\(backwards.count) steps back, first \(backwards.first.map { ($0.0.timestampNs, $0.1.timestampNs) } as Any)")
        // Back on the line, and without a hole: the polls covered the quiet time. (The
        // 3 ms the line took to be declared silent is the one gap: two conversions missed.)
        #expect(samples.last.map { $0.timestampNs > 1_300_000_000 } == true)
        let gapped = samples.filter { $0.flags.contains(.afterGap) }.map(\.timestampNs)
        #expect(gapped == [7_000_000], "\(gapped)")
    }

    /// An adapter unplugged for a minute: every failed retry is counted, but the
    /// log gets the first, one line per ten seconds, and the tally at the end.
    @Test func aLongOutageIsCountedInFullAndLoggedSparingly() throws {
        let clock = VirtualClock(startNs: 1_000_000)
        let sensor = ScriptedSensor(clock: clock)
        sensor.failStarts = 240  // 1 ms doubling to 250 ms: about a minute
        let line = BacklogLine([], clock: clock)
        let lines = LogLines()
        let acquisition = Acquisition(sensor: sensor, line: line, clock: clock, ring: try SPSCRing<Sample>(minimumCapacity: 64),
                                      log: Log { _, message in lines.append(message) })
        acquisition.run(until: { sensor.starts.count == 1 })
        let outage = Double(clock.nowNs() - 1_000_000) / 1e9
        #expect(acquisition.statistics.snapshot.errors == 240)
        let logged = lines.all
        let reports = logged.filter { $0.contains("the adapter test is gone") }
        #expect(reports.count >= Int(outage / 10) && reports.count <= Int(outage / 10) + 2, "\(outage) s: \(logged)")
        let tally = logged.firstIndex { $0.contains("repeated") && $0.contains("more times") }
        let started = logged.firstIndex { $0.contains("started") }
        #expect(tally != nil && started != nil && tally! < started!, "\(logged)")
    }
}

/// A kernel edge queue: the edges it was given, in order; every one that has
/// happened is waiting to be read, however old.
final class BacklogLine: DataReadyLine {
    let name = "backlog line"
    var edges: [Int64]
    let clock: VirtualClock
    init(_ edges: [Int64], clock: VirtualClock) { self.edges = edges; self.clock = clock }
    func waitForEdge(timeoutNs: Int64) throws(GPIOError) -> EdgeWait {
        let deadline = clock.nowNs() + timeoutNs
        guard let t = edges.first, t <= deadline else { clock.sleep(untilNs: deadline); return .timeout }
        edges.removeFirst()
        clock.sleep(untilNs: t)  // no-op for an edge already in the queue
        return .edge(timestampNs: t)
    }
}

/// Log lines collected from the acquisition's callback.
final class LogLines: @unchecked Sendable {
    private var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
    var all: [String] { lines }
}
