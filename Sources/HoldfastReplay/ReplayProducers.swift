import HoldfastTrace
import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors
import HoldfastSession
import HoldfastEmulation
import Synchronization

/// The sample source of a replay: fills the ring on the calling thread.
protocol ReplayProducer {
    var rateHz: Double { get }
    var calibration: ForceCalibration { get }
    var sourceKind: String { get }
    var acquisitionSnapshot: AcquisitionStatistics.Snapshot? { get }
    func produce(into ring: SPSCRing<Sample>, batchSize: Int, unless consumer: ReplayHandshake) throws(ReplayError)
}

extension ReplayProducer {
    var acquisitionSummary: AcquisitionSummary? { acquisitionSnapshot.map(AcquisitionSummary.init) }
}

/// The trace's rows, parsed and pushed as they are: one count is 0.1 mN.
final class TraceProducer: ReplayProducer {
    let rateHz: Double
    let calibration: ForceCalibration
    let sourceKind = "replay"
    let acquisitionSnapshot: AcquisitionStatistics.Snapshot? = nil
    private let reader: TraceReader
    private let timeline: PointTimeline
    private let path: String
    private var prelude: [Sample]

    init(reader: TraceReader, timeline: PointTimeline, path: String) throws(ReplayError) {
        self.reader = reader
        self.timeline = timeline
        self.path = path
        // Enough rows to estimate the rate before the filter is designed.
        var prelude = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: SampleRateEstimator.preludeRows)
        let count: Int
        do {
            // Result keeps the error typed: Swift 6.0's withUnsafeMutableBufferPointer is `rethrows`.
            count = try prelude.withUnsafeMutableBufferPointer { buffer in
                Result { () throws(TraceError) -> Int in try reader.read(into: buffer) { timeline.set($1, at: $0) } }
            }.get()
        } catch { throw .trace(error.asDescription) }
        prelude.removeSubrange(count...)
        self.prelude = prelude
        let rate: Double
        switch SampleRateEstimator.estimate(timestampsNs: prelude.map(\.timestampNs)) {
        case .success(let r): rate = r
        case .failure(.tooFewTimes):
            throw .trace(TraceError(path: path, line: nil, reason: .tooFewSamples(count)).asDescription)
        case .failure(.spanTooLarge):
            throw .trace(TraceError(path: path, line: nil, reason: .timeSpanTooLarge).asDescription)
        }
        guard (40...20_000).contains(rate) else {
            throw .trace(TraceError(path: path, line: nil, reason: .rateOutOfRange(hz: rate)).asDescription)
        }
        rateHz = rate
        do { calibration = try ForceCalibration(offset: 0, newtonsPerCount: TraceReader.countNewtons) }
        catch { throw .configuration(error.description) }
    }

    func produce(into ring: SPSCRing<Sample>, batchSize: Int, unless consumer: ReplayHandshake) throws(ReplayError) {
        prelude.withUnsafeBufferPointer { pushAll($0, into: ring, unless: consumer) }
        var chunk = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: batchSize)
        do {
            try chunk.withUnsafeMutableBufferPointer { buffer in
                Result { () throws(TraceError) in
                    while !consumer.hasStopped {
                        let n = try reader.read(into: buffer) { timeline.set($1, at: $0) }
                        if n == 0 { break }
                        pushAll(UnsafeBufferPointer(rebasing: buffer[..<n]), into: ring, unless: consumer)
                    }
                }
            }.get()
        } catch {
            throw .trace(error.asDescription)
        }
    }

    /// Pushes every sample, waiting while the ring is full; gives up only if the consumer stopped.
    private func pushAll(_ samples: UnsafeBufferPointer<Sample>, into ring: SPSCRing<Sample>,
                         unless consumer: ReplayHandshake) {
        var offset = 0
        while offset < samples.count {
            let n = ring.push(contentsOf: UnsafeBufferPointer(rebasing: samples[offset...]))
            offset += n
            if n == 0 {
                if consumer.hasStopped { return }
                yieldProcessor()
            }
        }
    }
}

/// The trace as the force on an emulated chip, read by the real driver and
/// acquisition loop in emulated time.
final class SensorProducer: ReplayProducer {
    let rateHz: Double
    let calibration: ForceCalibration
    let sourceKind = "emulated-sensor"
    private let source: TraceForceSource
    private let sensor: EmulatedSensor
    private let path: String
    private var acquisition: Acquisition?

    var acquisitionSnapshot: AcquisitionStatistics.Snapshot? { acquisition?.statistics.snapshot }

    init(chip: EmulatedChip, reader: TraceReader, timeline: PointTimeline, signals: PendingSignals,
         options: ReplayOptions) throws(ReplayError) {
        path = options.tracePath
        // The chip feels only the force: the client's signals reach the core as a live one's do, between samples.
        source = TraceForceSource(reader: reader, onPoint: { timeline.set($1, at: $0) }, onSignal: signals.add)
        if let error = source.error { throw .trace(error.asDescription) }
        guard let first = source.firstNs else {
            throw .trace(TraceError(path: path, line: nil, reason: .tooFewSamples(0)).asDescription)
        }
        do { sensor = try EmulatedSensor(chip, force: source, faults: options.faults, frontEnd: options.frontEnd, startNs: first) }
        catch { throw .configuration(error.description) }
        rateHz = sensor.driver.sampleRateHz
        do { calibration = try ForceCalibration(offset: sensor.offsetCounts, newtonsPerCount: sensor.newtonsPerCount) }
        catch { throw .configuration(error.description) }
    }

    func produce(into ring: SPSCRing<Sample>, batchSize: Int, unless consumer: ReplayHandshake) throws(ReplayError) {
        let acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: sensor.clock, ring: ring,
                                      fullRing: .wait(shouldGiveUp: { consumer.hasStopped }))
        self.acquisition = acquisition
        acquisition.run(until: { sensor.ended || consumer.hasStopped })
        if let error = source.error { throw .trace(error.asDescription) }
    }
}

/// The client's signals of a trace played through an emulated chip, on the
/// trace's time axis (the chip's clock starts on it): the consumer applies
/// each once its samples reach that time, as the daemon applies a button's.
/// Touched when a signal is read and once per batch, never per sample.
final class PendingSignals: Sendable {
    private let times = Mutex<[Int64]>([])

    func add(_ timeNs: Int64) { times.withLock { $0.append(timeNs) } }

    /// The signals up to `timeNs`, in order, removed from the queue.
    func take(through timeNs: Int64) -> [Int64] {
        times.withLock { list in
            let n = list.prefix(while: { $0 <= timeNs }).count
            defer { list.removeFirst(n) }
            return Array(list.prefix(n))
        }
    }
}
