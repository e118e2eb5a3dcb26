import HoldfastPOSIX
import HoldfastCore
import HoldfastSession

/// The session being recorded, if any, and how a new one starts: its file
/// named, its header queued, the point in effect written first.
final class Sessions {
    private let writer: RecordWriter
    private let directory: String
    private let log: Log
    /// Every file name proposed in this run, so two starts in one second cannot collide.
    private var proposed: Set<String> = []
    private(set) var current: SessionRecorder?

    private let ppt: PPTPolicy

    init(writer: RecordWriter, directory: String, ppt: PPTPolicy, log: Log) {
        self.ppt = ppt
        self.writer = writer
        self.directory = directory
        self.log = log
    }

    /// Starts a session at `originNs` on the sample clock, ending the current one first.
    func start(client: String?, time: SessionTimeBase, samplesSoFar: Int, point: String?,
               header: (SessionSource) -> [UInt8]) {
        let recorder = SessionRecorder(writer: writer, directory: directory, client: client, time: time,
                                       samplesSoFar: samplesSoFar, taken: proposed, ppt: ppt, header: header)
        proposed.insert(recorder.proposedPath)
        current = recorder
        if let point { recorder.record(SessionEncoding.point(point, atNs: 0)) }
        log.info("session started: \(recorder.proposedPath)")
    }

    /// Ends the current session with its summary; returns its file, or nil if none was open.
    @discardableResult
    func end(samplesNow: Int, lastNs: Int64, dropped: Int, acquisition: AcquisitionSummary, warnings: [String]) -> String? {
        guard let session = current else { return nil }
        session.finish(samplesNow: samplesNow, lastNs: lastNs, dropped: dropped, acquisition: acquisition, warnings: warnings)
        log.info("session ended: \(session.path)")
        current = nil
        return session.path
    }
}
