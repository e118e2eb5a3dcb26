import Synchronization

/// How the acquisition is getting conversions right now.
public enum AcquisitionMode: UInt8, Sendable {
    /// The chip is being (re)started: after a fault, or before the first start.
    case starting
    /// Waiting on the data-ready line.
    case dataReady
    /// Polling: no line configured, or the line went silent.
    case polling
}

/// Live health of the acquisition, written by its thread, readable from any
/// thread (relaxed: each figure is exact, the set is not a snapshot).
public final class AcquisitionStatistics: Sendable {
    let samples = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let recoveries = Atomic<Int>(0)
    let gaps = Atomic<Int>(0)
    let longestGapNs = Atomic<Int64>(0)
    let saturated = Atomic<Int>(0)
    let polledSamples = Atomic<Int>(0)
    let firstNs = Atomic<Int64>(0)
    let lastNs = Atomic<Int64>(0)
    let lastError = Mutex<String?>(nil)  // set on errors only, never per sample
    let mode = Atomic<UInt8>(AcquisitionMode.starting.rawValue)
    /// Incremented on every loop, whatever happened: the watchdog's proof of life.
    public let heartbeat = Atomic<Int>(0)

    public init() {}

    public struct Snapshot: Sendable, Equatable {
        public var samples: Int
        public var errors: Int
        public var recoveries: Int
        public var gaps: Int
        public var longestGapNs: Int64
        public var saturated: Int
        /// Samples read without a data-ready edge (line absent or silent).
        public var polledSamples: Int
        public var achievedRateHz: Double
        public var lastError: String?
        /// How conversions are being found now (not a count: it changes back).
        public var mode: AcquisitionMode = .starting
        /// The time of the last sample (monotonic ns), or nil before the first.
        public var lastSampleNs: Int64?
    }

    public var snapshot: Snapshot {
        let n = samples.load(ordering: .relaxed)
        let span = lastNs.load(ordering: .relaxed) - firstNs.load(ordering: .relaxed)
        return Snapshot(samples: n, errors: errors.load(ordering: .relaxed),
                        recoveries: recoveries.load(ordering: .relaxed), gaps: gaps.load(ordering: .relaxed),
                        longestGapNs: longestGapNs.load(ordering: .relaxed), saturated: saturated.load(ordering: .relaxed),
                        polledSamples: polledSamples.load(ordering: .relaxed),
                        achievedRateHz: n > 1 && span > 0 ? Double(n - 1) * 1e9 / Double(span) : 0,
                        lastError: lastError.withLock { $0 },
                        mode: AcquisitionMode(rawValue: mode.load(ordering: .relaxed)) ?? .starting,
                        lastSampleNs: n > 0 ? lastNs.load(ordering: .relaxed) : nil)
    }
}
