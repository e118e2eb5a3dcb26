import HoldfastCore
import HoldfastPOSIX
import HoldfastSession

/// One treatment session's file in the state directory: created at session
/// start, every record appended and synced as it happens, a summary at a
/// clean end. Times in the file are relative to the session's start.
final class SessionRecorder {
    let log: DurableLog
    let startNs: Int64
    let client: String?
    private(set) var holds: [SessionHold] = []
    private var touches = 0
    private var samplesAtStart: Int

    /// Creates the state directory (0750) if needed and the session file (0640).
    init(directory: String, client: String?, startNs: Int64, samplesSoFar: Int, header: (SessionSource) -> [UInt8],
         calls: LogFileCalls = SystemLogFileCalls()) throws(SystemError) {
        try Self.makeDirectory(directory)
        let unix = SessionName.nowUnixSeconds()
        var name = SessionName.fileName(unixSeconds: unix, client: client)
        var suffix = 1
        while access(directory + "/" + name, F_OK) == 0 {  // two sessions in one second
            suffix += 1
            name = SessionName.fileName(unixSeconds: unix, client: client).replacingSuffix(".jsonl", with: "-\(suffix).jsonl")
        }
        log = try DurableLog(creating: directory + "/" + name, calls: calls)
        self.startNs = startNs
        self.client = client
        samplesAtStart = samplesSoFar
        var source = SessionSource(kind: "sensor")
        source.started = SessionName.iso(unixSeconds: unix)
        source.client = client
        log.append(header(source))
    }

    static func makeDirectory(_ path: String) throws(SystemError) {
        var parts: [String] = []
        for component in path.split(separator: "/") {
            parts.append(String(component))
            let prefix = (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST { throw SystemError("mkdir", prefix, errno: errno) }
        }
        chmod(path, 0o750)
    }

    func relative(_ ns: Int64) -> Int64 { ns - startNs }

    func record(_ line: [UInt8]) { log.append(line) }

    func hold(_ record: HoldRecord, point: String?, scale: PressureScale) -> SessionHold {
        var shifted = record
        shifted.startNs -= startNs
        shifted.endNs -= startNs
        let hold = SessionHold(point: point, record: shifted, scale: scale)
        holds.append(hold)
        log.append(SessionEncoding.hold(hold, number: holds.count))
        return hold
    }

    func touch() { touches += 1 }

    /// Writes the summary and closes. Returns records that could not be written (a full disk).
    func finish(samplesNow: Int, lastNs: Int64, dropped: Int, saturated: Int, acquisition: AcquisitionSummary?) -> [[UInt8]] {
        var summary = SessionSummary(samples: samplesNow - samplesAtStart, durationNs: max(0, lastNs - startNs), holds: holds,
                                     touches: touches, dropped: dropped, saturated: saturated)
        summary.acquisition = acquisition
        log.append(SessionEncoding.summary(summary))
        return log.close()
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
