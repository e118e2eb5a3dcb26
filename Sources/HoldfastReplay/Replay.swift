import HoldfastCore
import HoldfastPOSIX
import HoldfastSession
import HoldfastSimulator
import Synchronization

/// What a finished replay found.
public struct ReplayResult: Sendable {
    public var rateHz: Double
    public var summary: SessionSummary
    public var delayNs: Int64
}

/// Replays a trace through the same ring, signal chain and detector as live
/// acquisition: the calling thread parses and pushes (the producer), a second
/// thread pops and processes (the consumer). Replay never drops: when the
/// ring is full the producer waits for the consumer, so the result depends on
/// the trace alone.
public enum Replay {
    public static func run(_ options: ReplayOptions) throws(ReplayError) -> ReplayResult {
        let reader: TraceReader
        do { reader = try TraceReader(path: options.tracePath) } catch { throw .trace(error.asDescription) }
        let timeline = PointTimeline()

        // Prelude: enough rows to estimate the rate before the filter is designed.
        var prelude = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: SampleRateEstimator.intervals + 1)
        let preludeCount: Int
        do {
            preludeCount = try prelude.withUnsafeMutableBufferPointer { (buffer) throws(TraceError) -> Int in
                try reader.read(into: buffer) { timeline.set($1, at: $0) }
            }
        } catch { throw .trace(error.asDescription) }
        prelude.removeSubrange(preludeCount...)
        guard let rate = SampleRateEstimator.estimate(timestampsNs: prelude.map(\.timestampNs)) else {
            throw .trace(TraceError(path: options.tracePath, line: nil, reason: .tooFewSamples(preludeCount)).asDescription)
        }
        guard (40...20_000).contains(rate) else {
            throw .trace(TraceError(path: options.tracePath, line: nil, reason: .rateOutOfRange(hz: rate)).asDescription)
        }

        let chain: SignalChain
        do {
            let calibration = try ForceCalibration(offset: 0, newtonsPerCount: TraceReader.countNewtons)
            chain = try SignalChain(SignalConfig(
                calibration: calibration, sampleRateHz: rate, cutoffHz: options.cutoffHz,
                spikeRejection: options.spikeRejection, thresholds: options.thresholds, scale: options.scale))
        } catch { throw .configuration("\(error)") }

        let writer: SessionWriter?
        if let path = options.sessionPath {
            do { writer = try SessionWriter(path: path) } catch { throw .session(path: path, error.description) }
            let source = SessionSource(
                kind: "replay", trace: lastPathComponent(options.tracePath),
                scenario: reader.metadata.first(where: { $0.key == "scenario" })?.value)
            do { try writer?.append(SessionEncoding.header(source: source, config: chain.config, delayNs: chain.delayNs)) }
            catch { writer?.abandon(reason: SessionEncoding.error(error.description)); throw .session(path: path, error.description) }
        } else {
            writer = nil
        }

        let ring: SPSCRing<Sample>
        do { ring = try SPSCRing<Sample>(minimumCapacity: options.ringCapacity) } catch { throw .configuration(error.description) }
        let consumer = ReplayConsumer(ring: ring, chain: chain, timeline: timeline, writer: writer,
                                      batchSize: options.batchSize)
        let thread: JoinableThread
        do { thread = try JoinableThread(name: "holdfast-core") { consumer.run() } }
        catch { throw .system(error.description) }

        // Producer.
        var producerError: TraceError?
        var chunk = [Sample](repeating: Sample(timestampNs: 0, raw: 0), count: options.batchSize)
        prelude.withUnsafeBufferPointer { pushAll($0, into: ring, unless: consumer) }
        do {
            try chunk.withUnsafeMutableBufferPointer { (buffer) throws(TraceError) in
                while !consumer.hasStopped {
                    let n = try reader.read(into: buffer) { timeline.set($1, at: $0) }
                    if n == 0 { break }
                    pushAll(UnsafeBufferPointer(rebasing: buffer[..<n]), into: ring, unless: consumer)
                }
            }
        } catch {
            producerError = error
        }
        consumer.producerFinished(failed: producerError != nil)
        thread.join()

        if let producerError {
            writer?.abandon(reason: SessionEncoding.error(producerError.description))
            throw .trace(producerError.asDescription)
        }
        if let failure = consumer.failure {
            writer?.abandon(reason: SessionEncoding.error(failure.description))
            throw .session(path: options.sessionPath ?? "-", failure.description)
        }
        let summary = consumer.summary(dropped: ring.droppedCount)
        if let writer {
            do { try writer.commit(summary: SessionEncoding.summary(summary)) }
            catch {
                writer.abandon(reason: SessionEncoding.error(error.description))
                throw .session(path: writer.path, error.description)
            }
        }
        return ReplayResult(rateHz: rate, summary: summary, delayNs: chain.delayNs)
    }

    /// Pushes every sample, waiting while the ring is full; gives up only if the consumer stopped.
    private static func pushAll(_ samples: UnsafeBufferPointer<Sample>, into ring: SPSCRing<Sample>,
                                unless consumer: ReplayConsumer) {
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

    private static func lastPathComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension TraceError {
    var asDescription: TraceErrorDescription { TraceErrorDescription(text: description, line: line) }
}
