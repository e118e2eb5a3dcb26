import HoldfastCore
import HoldfastPOSIX
import HoldfastSession

/// One treatment session, as the event loop keeps it: the records go to the
/// ``RecordWriter`` (which creates the file and makes each record durable
/// off the event loop), a summary at a clean end. Times in the file are
/// relative to the session's start.
final class SessionRecorder {
    let file: RecordWriter.FileID
    /// The file name chosen at the start (the writer may add a suffix if it was taken meanwhile).
    let proposedPath: String
    let startNs: Int64
    let client: String?
    private let writer: RecordWriter
    private(set) var holds: [SessionHold] = []
    private var touches = 0
    private let samplesAtStart: Int

    /// Names the file (`state directory/UTC start-client.jsonl`, 0640 in a 0750 directory) and queues its header.
    init(writer: RecordWriter, directory: String, client: String?, startNs: Int64, samplesSoFar: Int,
         taken: Set<String>, header: (SessionSource) -> [UInt8]) {
        let unix = SessionName.nowUnixSeconds()
        let base = SessionName.fileName(unixSeconds: unix, client: client)
        var name = base
        var suffix = 1
        // Two sessions in one second: the next free name (the writer checks again when it creates the file).
        while taken.contains(directory + "/" + name) || access(directory + "/" + name, F_OK) == 0 {
            suffix += 1
            name = base.replacingSuffix(".jsonl", with: "-\(suffix).jsonl")
        }
        proposedPath = directory + "/" + name
        self.writer = writer
        file = writer.open(proposedPath)
        self.startNs = startNs
        self.client = client
        samplesAtStart = samplesSoFar
        var source = SessionSource(kind: "sensor")
        source.started = SessionName.iso(unixSeconds: unix)
        source.client = client
        writer.append(file, header(source))
    }

    /// Where the file is (or will be).
    var path: String { writer.status.paths[file] ?? proposedPath }

    func relative(_ ns: Int64) -> Int64 { ns - startNs }

    func record(_ line: [UInt8]) { writer.append(file, line) }

    /// Records a hold; returns its line and the ticket that says when it is on disk.
    func hold(_ record: HoldRecord, point: String?, scale: PressureScale) -> (line: [UInt8], ticket: RecordWriter.Ticket) {
        var shifted = record
        shifted.startNs -= startNs
        shifted.endNs -= startNs
        let hold = SessionHold(point: point, record: shifted, scale: scale)
        holds.append(hold)
        let line = SessionEncoding.hold(hold, number: holds.count)
        return (line, writer.append(file, line))
    }

    func touch() { touches += 1 }

    /// Queues the summary and the close; the writer finishes the file when it can.
    func finish(samplesNow: Int, lastNs: Int64, dropped: Int, saturated: Int, acquisition: AcquisitionSummary?,
                warnings: [String]) {
        var summary = SessionSummary(samples: samplesNow - samplesAtStart, durationNs: max(0, lastNs - startNs), holds: holds,
                                     touches: touches, dropped: dropped, saturated: saturated)
        summary.acquisition = acquisition
        summary.warnings = warnings
        writer.append(file, SessionEncoding.summary(summary))
        writer.close(file)
    }
}
