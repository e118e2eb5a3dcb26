import HoldfastTrace
import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors
import HoldfastSession
import HoldfastEmulation
import Synchronization

/// What a finished replay found.
public struct ReplayResult: Sendable {
    public var rateHz: Double
    public var summary: SessionSummary
    public var delayNs: Int64
    /// Acquisition figures when the trace went through an emulated sensor.
    public var acquisition: AcquisitionStatistics.Snapshot?
}

/// Replays a trace through the same ring, signal chain and detector as live
/// acquisition: a producer on the calling thread, the core on a second
/// thread. The producer is either the trace parser itself or, with
/// `--sensor`, an emulated chip read by the real driver and acquisition loop.
/// Replay never drops: when the ring is full the producer waits for the
/// consumer, so the result depends on the trace alone.
public enum Replay {
    public static func run(_ options: ReplayOptions) throws(ReplayError) -> ReplayResult {
        // Before any work: never write over the input or anything that is not a regular file.
        let input = FileIdentity(path: options.tracePath).map { [$0] } ?? []
        if let path = options.sessionPath {
            do { try SessionWriter.checkTarget(path, sparing: input) } catch {
                throw .sessionTarget(path: path, error.subject == path ? error.reason : "\(error.subject): \(error.reason)")
            }
        }
        let reader: TraceReader
        do { reader = try TraceReader(path: options.tracePath) } catch { throw .trace(error.asDescription) }
        let timeline = PointTimeline()
        let signals = PendingSignals()
        let producer: any ReplayProducer = if let chip = options.sensor {
            try SensorProducer(chip: chip, reader: reader, timeline: timeline, signals: signals, options: options)
        } else {
            try TraceProducer(reader: reader, timeline: timeline, path: options.tracePath)
        }

        let scale: PressureScale
        if let given = options.scale {
            scale = given
        } else if let text = reader.metadata.first(where: { $0.key == "scale" })?.value {
            do { scale = try PressureScale(parsing: text) }
            catch { throw .trace(TraceErrorDescription(text: "\(options.tracePath): \"# scale:\" line: \(error)", line: nil)) }
        } else {
            scale = .standard
        }
        let chain: SignalChain
        do {
            chain = try SignalChain(SignalConfig(
                calibration: producer.calibration, sampleRateHz: producer.rateHz, cutoffHz: options.cutoffHz,
                spikeRejection: options.spikeRejection, holdRules: options.holdRules, scale: scale,
                zeroTracking: options.zeroTracking ?? (options.sensor != nil)))
        } catch { throw .configuration("\(error)") }

        let annotations: TraceAnnotations
        do { annotations = try TraceAnnotations(metadata: reader.metadata) }
        catch { throw .trace(TraceErrorDescription(text: "\(options.tracePath): \(error)", line: nil)) }
        // Only a trace that can carry signals gets the PPT settings in its header (others' files stay as they were).
        let ppt = reader.hasEventColumn ? options.ppt : nil

        let writer: SessionWriter?
        if let path = options.sessionPath {
            do { writer = try SessionWriter(path: path, sparing: input) } catch { throw .session(path: path, error.description) }
            var source = SessionSource(kind: producer.sourceKind, trace: lastPathComponent(options.tracePath),
                                       scenario: reader.metadata.first(where: { $0.key == "scenario" })?.value)
            source.sensor = options.sensor?.rawValue
            source.client = annotations.client
            source.date = annotations.date
            do { try writer?.append(SessionEncoding.header(source: source, config: chain.config, delayNs: chain.delayNs, ppt: ppt)) }
            catch { writer?.abandon(reason: SessionEncoding.error(error.description)); throw .session(path: path, error.description) }
        } else {
            writer = nil
        }

        let ring: SPSCRing<Sample>
        do { ring = try SPSCRing<Sample>(minimumCapacity: options.ringCapacity) } catch { throw .configuration(error.description) }
        let handshake = ReplayHandshake()
        let consumer = ReplayConsumer(ring: ring, chain: chain, timeline: timeline, writer: writer,
                                      batchSize: options.batchSize, ppt: ppt, annotations: annotations,
                                      tracePath: options.tracePath, signals: options.sensor != nil ? signals : nil,
                                      handshake: handshake)
        // The consumer and the session writer go to the core thread; only the summary comes back.
        let thread: JoinableThread<Result<SessionSummary, ReplayError>>
        do { thread = try JoinableThread(name: "holdfast-core") { consumer.run() } }
        catch { throw .system(error.description) }

        var producerError: ReplayError?
        do { try producer.produce(into: ring, batchSize: options.batchSize, unless: handshake) }
        catch { producerError = error }
        handshake.producerFinished(.init(failure: producerError, acquisition: producer.acquisitionSummary))
        let summary: SessionSummary
        switch thread.join() {
        case .success(let s): summary = s
        case .failure(let error): throw error
        }
        return ReplayResult(rateHz: producer.rateHz, summary: summary, delayNs: chain.delayNs,
                            acquisition: producer.acquisitionSnapshot)
    }

    private static func lastPathComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension TraceError {
    var asDescription: TraceErrorDescription { TraceErrorDescription(text: description, line: line) }
}
