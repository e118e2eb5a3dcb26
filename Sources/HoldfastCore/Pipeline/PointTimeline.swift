import Synchronization

/// Which treatment point was being worked, over time. Labels change a few
/// times a session, from a trace row or a therapist's command; holds look
/// up the label in effect at their start. A mutex is fine here: this is
/// touched on label changes and completed holds, never per sample.
public final class PointTimeline: Sendable {
    private let changes = Mutex<[(timeNs: Int64, label: String)]>([])

    public init() {}

    /// Sets `label` from `timeNs` on. Changes are expected in time order; an
    /// out-of-order one is inserted where it belongs.
    public func set(_ label: String, at timeNs: Int64) {
        changes.withLock { list in
            let index = list.lastIndex(where: { $0.timeNs <= timeNs }).map { $0 + 1 } ?? 0
            list.insert((timeNs, label), at: index)
        }
    }

    /// The label in effect at `timeNs`, or nil before the first label.
    public func label(at timeNs: Int64) -> String? {
        changes.withLock { list in
            var lo = 0, hi = list.count  // first index with time > timeNs
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid].timeNs <= timeNs { lo = mid + 1 } else { hi = mid }
            }
            return lo == 0 ? nil : list[lo - 1].label
        }
    }
}
