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
    /// Times in the file: seconds since the session's start, on one time base.
    let time: SessionTimeBase
    let client: String?
    private let writer: RecordWriter
    private(set) var holds: [SessionHold] = []
    /// The session's PPT trials, numbered and judged as they come.
    private var ledger: PPTLedger
    private var touches = 0
    private let samplesAtStart: Int

    /// Names the file (`state directory/UTC start-client.jsonl`, 0640 in a 0750 directory) and queues its header.
    init(writer: RecordWriter, directory: String, client: String?, time: SessionTimeBase, samplesSoFar: Int,
         taken: Set<String>, ppt: PPTPolicy, header: (SessionSource) -> [UInt8]) {
        ledger = PPTLedger(policy: ppt)
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
        self.time = time
        self.client = client
        samplesAtStart = samplesSoFar
        var source = SessionSource(kind: "sensor")
        source.started = SessionName.iso(unixSeconds: unix)
        source.client = client
        writer.append(file, header(source))
    }

    /// Where the file is (or will be).
    var path: String { writer.status.paths[file] ?? proposedPath }

    /// An event on the sample clock (a label, a mark, a tare, a gap), in the file's time.
    func relative(_ ns: Int64) -> Int64 { time.time(ofSampleNs: ns) }

    func record(_ line: [UInt8]) { writer.append(file, line) }

    /// Records a hold; returns it and the ticket that says when it is on disk.
    func hold(_ record: HoldRecord, timeline: PointTimeline, scale: PressureScale) -> (line: HoldLine, ticket: RecordWriter.Ticket) {
        let hold = time.hold(record, timeline: timeline, scale: scale)
        holds.append(hold)
        ledger.hold(at: hold.point)
        let ticket = writer.append(file, SessionEncoding.hold(hold, number: holds.count))
        return (HoldLine(hold, number: holds.count), ticket)
    }

    /// Records a PPT trial; returns it and the ticket that says when it is on disk.
    func trial(_ record: TrialRecord, timeline: PointTimeline) -> (line: PPTLine, ticket: RecordWriter.Ticket) {
        let line = ledger.trial(time.trial(record, timeline: timeline))
        return (line, writer.append(file, SessionEncoding.ppt(line)))
    }

    /// Trials asked for at `point` in its current phase, and how many are done.
    func trialsDone(at point: String?) -> Int {
        guard let p = ledger[point] else { return 0 }
        return holds.contains(where: { $0.point == point }) ? p.post.count : p.pre.count
    }

    /// The alarm going on or off, at the time the force crossed (`crossingNs` is the filtered sample's).
    func alarm(on: Bool, crossingNs: Int64, forceQ16: Int32, level: Double) {
        writer.append(file, SessionEncoding.alarm(on: on, forceQ16: forceQ16, level: level, atNs: time.time(ofFilteredSampleNs: crossingNs)))
    }

    func touch() { touches += 1 }

    /// Queues the summary and the close; the writer finishes the file when it can.
    func finish(samplesNow: Int, lastNs: Int64, dropped: Int, acquisition: AcquisitionSummary, warnings: [String]) {
        var summary = SessionSummary(samples: samplesNow - samplesAtStart, durationNs: max(0, time.time(ofSampleNs: lastNs)),
                                     holds: holds, touches: touches, dropped: dropped, saturated: acquisition.saturated)
        summary.acquisition = acquisition
        summary.warnings = warnings
        summary.ppt = ledger
        writer.append(file, SessionEncoding.summary(summary))
        writer.close(file)
    }
}
