/// Removes spikes one or two samples long (an ESD glitch, a bit error on the
/// bus) without biasing anything else.
///
/// A plain running median does remove spikes, but it also moves every
/// asymmetric waveform: mains pickup with harmonics came out with a steady
/// offset (0.27 N on 50 Hz + harmonics), and the tip of every peak was cut.
/// So the median of a five-sample window is only a *replacement*: the sample
/// in the middle passes unchanged unless it stands out three ways at once —
/// by at least ``minimumStep`` from the window's median; by more than
/// ``spreads`` times the spread of the samples on the median's other side (a
/// peak or a ramp has its extreme sample about one spread out; a spike of one
/// or two samples leaves three ordinary ones, so the spread stays small); and
/// by more than ``typicalDeviations`` times the typical distance of recent
/// samples from their medians (pickup and tremor raise that typical distance,
/// so their sharpest samples are never taken for spikes). Either way the
/// output is two samples late, like the median's.
public struct SpikeRejector: Sendable {
    /// Delay of every sample through the rejector, in samples.
    public static let delaySamples = 2
    /// A sample closer than this to the median is never replaced (0.5 N in Q16.16): noise, not a spike.
    public static let minimumStep: Int64 = 1 << 15
    /// How many opposite-side spreads from the median make a spike.
    public static let spreads: Int64 = 3
    /// How many typical deviations from the median make a spike.
    public static let typicalDeviations: Int64 = 8
    /// The typical deviation is averaged over about 2^5 = 32 samples.
    @usableFromInline static let averagingShift: Int64 = 5

    @usableFromInline var h0: Int32 = 0, h1: Int32 = 0, h2: Int32 = 0, h3: Int32 = 0
    @usableFromInline var primed = false
    /// Running mean of |sample − window median| (Q16.16), spikes clipped out of it.
    @usableFromInline var typical: Int64 = 0
    /// Samples still to see (four averaging times) before the typical deviation means something: nothing is replaced until then.
    @usableFromInline var learning: Int64 = 0

    public init() {}

    @inlinable @inline(__always)
    public mutating func step(_ x: Int32) -> Int32 {
        if _slowPath(!primed) { (h0, h1, h2, h3, primed, typical, learning) = (x, x, x, x, true, 0, 4 << Self.averagingShift) }
        let out = reject(center: h2, h0, h1, h3, x)
        (h0, h1, h2, h3) = (h1, h2, h3, x)
        return out
    }

    /// Forgets the window: the next sample fills it, as at the start of a stream.
    public mutating func restart() { primed = false }

    /// `center`, or the median of the window if `center` is a spike; updates the typical deviation.
    @inlinable @inline(__always)
    mutating func reject(center c: Int32, _ a: Int32, _ b: Int32, _ d: Int32, _ e: Int32) -> Int32 {
        let median = Self.median5(a, b, c, d, e)
        // Widened: a glitch may sit at the far end of the Q16.16 range.
        let (m, x) = (Int64(median), Int64(c))
        let deviation = x > m ? x - m : m - x
        let limit = Self.typicalDeviations &* typical &+ Self.minimumStep
        typical &+= (min(deviation, learning > 0 ? deviation : limit) &- typical) >> Self.averagingShift
        if _slowPath(learning > 0) {
            learning &-= 1
            return c
        }
        // Nearly every sample ends here: the spread is only worked out for a candidate.
        guard _slowPath(deviation > limit &- Self.minimumStep && deviation > Self.minimumStep) else { return c }
        let spread = x > m ? m - Int64(min(min(a, b), min(min(c, d), e))) : Int64(max(max(a, b), max(max(c, d), e))) - m
        return deviation > Self.spreads &* spread ? median : c
    }

    /// Branch-free median of five: the median of `e` and the two middle
    /// candidates `max(min(a,b), min(c,d))` and `min(max(a,b), max(c,d))`.
    @inlinable @inline(__always)
    public static func median5(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32, _ e: Int32) -> Int32 {
        let f = max(min(a, b), min(c, d))
        let g = min(max(a, b), max(c, d))
        return median3(e, f, g)
    }

    @inlinable @inline(__always)
    static func median3(_ x: Int32, _ y: Int32, _ z: Int32) -> Int32 {
        max(min(x, y), min(max(x, y), z))
    }
}
