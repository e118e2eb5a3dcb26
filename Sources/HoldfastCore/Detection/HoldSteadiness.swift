/// How a hold's pressure was applied, measured as it happens: the plateau
/// after the ramp, its sag (the mean of its last 10 s against its first 10 s)
/// and its wobble (the variation of the filtered force on it), and the level
/// the hold established (what the live view's fading warning compares with).
///
/// The force is summed into half-second bins; a fixed ring of the last 24 s
/// of bins lets the end of the plateau be found when the hold ends (the
/// release is cut off by walking back over bins that fall by more than 5 %
/// each). The plateau starts with the first bin that rose less than 5 % over
/// the one before: the ramp is over. Everything lives in the value (tuples,
/// no arrays), so a sample costs a few integer additions and no allocation.
public struct HoldSteadiness: Sendable {
    /// Sums over some samples: count, Σf and Σf² (Q16.16 newtons).
    @usableFromInline
    struct Totals: Sendable {
        @usableFromInline var count: Int64 = 0
        @usableFromInline var sum: Int64 = 0
        @usableFromInline var squares: Int128 = 0
        @usableFromInline init() {}

        @inlinable @inline(__always)
        mutating func add(_ f: Int32) {
            count &+= 1
            sum &+= Int64(f)
            squares &+= Int128(Int64(f) &* Int64(f))
        }

        mutating func add(_ other: Totals) {
            count &+= other.count
            sum &+= other.sum
            squares &+= other.squares
        }

        mutating func subtract(_ other: Totals) {
            count &-= other.count
            sum &-= other.sum
            squares &-= other.squares
        }

        /// The mean force (Q16.16), or nil with no samples.
        var mean: Int32? { count > 0 ? Int32(truncatingIfNeeded: sum / count) : nil }
    }

    /// One half second of the contact; `mean` carries the previous bin's over an empty one (a short gap).
    @usableFromInline
    struct Bin: Sendable {
        var totals = Totals()
        var mean: Int32 = 0
        @usableFromInline init() {}
    }

    public static let binNs: Int64 = 500_000_000
    /// Bins kept for looking back at the end: 24 s (a release of up to 14 s behind a 10 s window).
    static let ringBins = 48
    /// The sag's windows: 10 s at each end of the plateau (each half of it when shorter than 20 s).
    static let windowBins = 20
    /// A plateau shorter than this (2 s) has no sag or wobble.
    static let minimumPlateauBins = 4
    /// A bin that rose less than this over the one before ends the ramp; one that fell more is the release (per mille).
    static let levelPermille: Int64 = 50

    @usableFromInline var binEndNs: Int64 = .max
    @usableFromInline var current = Totals()
    var binIndex = 0
    var ring: (Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin, Bin) = (Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin(), Bin())
    var previousMean: Int32?
    var plateauStartBin = -1
    var plateau = Totals()
    /// `prefix.k`: the plateau's first k bins (k ≤ 20), for the first window and the established level.
    var prefix: (Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals, Totals) = (Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals())
    var plateauBins = 0
    /// The mean of the plateau's first 10 s (or of as much as there is, from 1 s on); 0 before.
    public private(set) var establishedForce: Int32 = 0

    public init() {}

    /// A contact began at `startNs`.
    mutating func begin(atNs startNs: Int64) {
        self = HoldSteadiness()
        binEndNs = startNs &+ Self.binNs
    }

    /// One filtered sample of the contact (time corrected, non-decreasing).
    @inlinable @inline(__always)
    mutating func add(timeNs t: Int64, force f: Int32) {
        if _slowPath(t >= binEndNs) { closeBins(through: t) }
        current.add(f)
    }

    @usableFromInline
    mutating func closeBins(through t: Int64) {
        while t >= binEndNs {
            closeBin()
            binEndNs &+= Self.binNs
        }
    }

    private mutating func closeBin() {
        var bin = Bin()
        bin.totals = current
        current = Totals()
        if let mean = bin.totals.mean {
            bin.mean = mean
            if plateauStartBin < 0, let previous = previousMean,
               (Int64(mean) - Int64(previous)) * 1000 < Int64(mean) * Self.levelPermille {
                plateauStartBin = binIndex
            }
            previousMean = mean
        } else {
            bin.mean = previousMean ?? 0
        }
        if plateauStartBin >= 0 {
            plateau.add(bin.totals)
            plateauBins += 1
            if plateauBins <= Self.windowBins {
                var sum = readPrefix { $0[plateauBins - 1] }
                sum.add(bin.totals)
                let k = plateauBins
                Self.store(sum, at: k, in: &prefix)
                if plateauBins >= 2, let level = sum.mean { establishedForce = level }
            }
        }
        Self.store(bin, at: binIndex % Self.ringBins, in: &ring)
        binIndex += 1
    }

    /// What the hold showed, when it ends at `endNs` (the bin in progress is the release's end and is left out).
    func finish() -> Steadiness? {
        guard plateauStartBin >= 0 else { return nil }
        var totals = plateau
        var end = binIndex  // one past the plateau's last bin
        let oldest = max(0, binIndex - Self.ringBins)
        // Walk back over the release: bins that fall by more than 5 % on the one before.
        while end - 1 > plateauStartBin, end - 2 >= oldest {
            let (last, before) = readRing { ($0[(end - 1) % Self.ringBins], $0[(end - 2) % Self.ringBins]) }
            guard (Int64(before.mean) - Int64(last.mean)) * 1000 > Int64(before.mean) * Self.levelPermille else { break }
            totals.subtract(last.totals)
            end -= 1
        }
        let bins = end - plateauStartBin
        guard bins >= Self.minimumPlateauBins, totals.count > 1, totals.sum > 0 else { return nil }
        let window = min(Self.windowBins, bins / 2)
        let first = readPrefix { $0[window] }
        var last = Totals()
        if end - window >= oldest {
            for k in (end - window)..<end { last.add(readRing { $0[k % Self.ringBins] }.totals) }
        }
        var sag: Int64?
        if let a = first.mean, let b = last.mean, a > 0 {
            sag = DecimalText.roundedDivision((Int64(a) - Int64(b)) * 1000, Int64(a))
        }
        // Coefficient of variation: √(nΣf² − (Σf)²) / Σf, in Double once per hold (√ is exactly rounded).
        let n = Double(totals.count), sum = Double(totals.sum)
        let spread = max(0, n * Double(totals.squares) - sum * sum).squareRoot()
        let wobble = Int64((spread / sum * 1000).rounded())
        return Steadiness(sagPermille: sag, wobblePermille: wobble, establishedForce: establishedForce,
                          plateauNs: Int64(bins) * Self.binNs)
    }

    /// Writes slot `index` of a homogeneous tuple (laid out like an array of `T`).
    private static func store<T, Tuple>(_ value: T, at index: Int, in tuple: inout Tuple) {
        withUnsafeMutablePointer(to: &tuple) { UnsafeMutableRawPointer($0).assumingMemoryBound(to: T.self)[index] = value }
    }

    private func readRing<R>(_ body: (UnsafePointer<Bin>) -> R) -> R {
        withUnsafePointer(to: ring) { body(UnsafeRawPointer($0).assumingMemoryBound(to: Bin.self)) }
    }

    private func readPrefix<R>(_ body: (UnsafePointer<Totals>) -> R) -> R {
        withUnsafePointer(to: prefix) { body(UnsafeRawPointer($0).assumingMemoryBound(to: Totals.self)) }
    }
}

/// How steadily a hold's pressure was applied (see ``HoldSteadiness``).
public struct Steadiness: Sendable, Equatable {
    /// The first 10 s of the plateau against its last 10 s, in ‰ of the first: positive when the
    /// force faded, negative when it rose; nil when the plateau's ends could not both be measured.
    public var sagPermille: Int64?
    /// The standard deviation of the filtered force on the plateau, in ‰ of its mean.
    public var wobblePermille: Int64
    /// The level the hold established (Q16.16): the mean of the plateau's first 10 s.
    public var establishedForce: Int32
    /// How long the plateau lasted (whole bins).
    public var plateauNs: Int64

    public init(sagPermille: Int64?, wobblePermille: Int64, establishedForce: Int32, plateauNs: Int64) {
        self.sagPermille = sagPermille
        self.wobblePermille = wobblePermille
        self.establishedForce = establishedForce
        self.plateauNs = plateauNs
    }
}
