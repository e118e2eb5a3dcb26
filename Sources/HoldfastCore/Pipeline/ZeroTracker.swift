/// Follows the slow drift of an unloaded load cell (temperature, creep
/// recovery) or an un-zeroed logger: while the detector sees no contact and
/// the force is within the band of the current zero (±1 N, or half the hold
/// start force if that is less, so a light touch on a sensitive client is
/// never taken for drift), the zero moves toward it with a time constant of
/// about two seconds. It never moves during a contact, so a hold is measured
/// against the zero from before it.
public struct ZeroTracker: Sendable {
    /// Forces further than this from zero are never drift (1 N in Q16.16).
    public static let maximumBand: Int64 = 1 << 16
    /// The zero in Q16.16 with 16 more fraction bits, so small steps accumulate.
    @usableFromInline var zero: Int64 = 0
    @usableFromInline let shift: Int64
    /// Forces further than this from zero are not drift.
    @usableFromInline let band: Int64

    public init(sampleRateHz: Double, startForce: Int32 = Int32.max) {
        // τ ≈ 2^shift samples ≈ 2 s.
        var shift: Int64 = 0
        while Double(Int64(1) << (shift + 1)) <= 2 * sampleRateHz { shift += 1 }
        self.shift = shift
        band = min(Self.maximumBand, Int64(startForce) / 2)
    }

    /// Subtracts the zero from `force`, first updating it if `idle`.
    @inlinable @inline(__always)
    public mutating func correct(_ force: Int32, idle: Bool) -> Int32 {
        let f = Int64(force)
        let z = zero >> 16
        if idle && abs(f - z) < band {
            zero += ((f << 16) - zero) >> shift
        }
        return Int32(truncatingIfNeeded: min(max(f - (zero >> 16), -Int64(Q16.inputLimit)), Int64(Q16.inputLimit)))
    }
}
