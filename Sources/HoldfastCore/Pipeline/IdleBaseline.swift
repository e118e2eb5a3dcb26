/// Watches the force while nothing presses the sensor, to tell an un-zeroed
/// trace (a logger whose baseline wanders with temperature) from a zeroed one.
///
/// The idle force is averaged over blocks of one second, starting one second
/// after a contact ends (so a release's tail and the filter's settling are not
/// counted); a contact discards the block in progress and the one before it
/// (a slow ramp, a PPT trial's 5 N/s, spends a second below the start force:
/// that is a thumb, not the baseline), so a block counts once the second
/// after it was idle too. The lowest and
/// highest block means say how far the baseline wandered. A zeroed trace
/// stays within noise of 0 N; a drifting one does not, and every threshold
/// crossing, hold time and zone time moves with it.
public struct IdleBaseline: Sendable {
    @usableFromInline let blockLength: Int
    @usableFromInline var sum: Int64 = 0
    @usableFromInline var count = 0
    @usableFromInline var settledAfterNs = Int64.min
    @usableFromInline var _lowest = Int32.max
    @usableFromInline var _highest = Int32.min
    @usableFromInline var _blocks = 0
    /// The last block's mean, counted when the next block closes idle too.
    @usableFromInline var pending: Int32?

    /// Time after a contact before idle samples count.
    public static let settleNs: Int64 = 1_000_000_000

    public init(sampleRateHz: Double) {
        blockLength = max(1, Int(sampleRateHz.rounded()))
    }

    /// Feeds one filtered force (Q16.16) at time `t`; `idle`: no contact.
    @inlinable @inline(__always)
    public mutating func step(_ force: Int32, atNs t: Int64, idle: Bool) {
        guard idle else {
            settledAfterNs = t &+ Self.settleNs
            count = 0
            sum = 0
            pending = nil
            return
        }
        guard t >= settledAfterNs else { return }
        sum &+= Int64(force)
        count &+= 1
        if _slowPath(count == blockLength) { closeBlock() }
    }

    @usableFromInline
    mutating func closeBlock() {
        let mean = Int32(truncatingIfNeeded: sum / Int64(count))
        if let previous = pending {
            _lowest = min(_lowest, previous)
            _highest = max(_highest, previous)
            _blocks += 1
        }
        pending = mean
        sum = 0
        count = 0
    }

    /// Whole idle seconds seen.
    public var blocks: Int { _blocks }
    /// The lowest and highest one-second idle means (Q16.16 N), or nil before the first.
    public var range: (lowest: Int32, highest: Int32)? { _blocks > 0 ? (_lowest, _highest) : nil }

    /// How far the idle baseline may wander before the numbers move: half the
    /// end force, at most 0.5 N.
    public static func tolerance(endN: Double) -> Double { min(0.5, endN / 2) }

    /// A message when the idle force wandered further from 0 N than `tolerance(endN:)`.
    public func warning(endN: Double) -> String? {
        guard let (lo, hi) = range else { return nil }
        let (low, high) = (Q16.newtons(lo), Q16.newtons(hi))
        let limit = Self.tolerance(endN: endN)
        guard max(abs(low), abs(high)) > limit else { return nil }
        func n(_ v: Double) -> String { DecimalText.format(Int64((v * 100).rounded()), decimals: 2) }
        return "the force between contacts wandered from \(n(low)) N to \(n(high)) N (more than \(n(limit)) N "
            + "from zero): the trace looks un-zeroed; replay it with --zero-tracking"
    }
}
