/// Trigonometry from the four basic operations only.
///
/// IEEE 754 makes `+ - * /` and `sqrt` bit-identical everywhere, but libm's
/// `tan` and `sin` may differ in the last bit between glibc versions and
/// between x86 and ARM. One ulp is enough to move a quantised filter
/// coefficient by one count, and then "the same trace gives the same result
/// on every machine" no longer holds. These series are slower than libm and
/// are used only at design time (filter coefficients) and in the simulator.
public enum DeterministicMath {
    /// π to double precision.
    public static let pi = 3.141592653589793

    /// sin(x) for any finite x.
    public static func sin(_ x: Double) -> Double {
        let r = reduce(x)
        // Taylor series; |r| ≤ π, so 30 terms reach full precision.
        var term = r
        var sum = r
        let r2 = r * r
        var k = 1.0
        for _ in 0..<30 {
            term = -term * r2 / ((2 * k) * (2 * k + 1))
            sum += term
            k += 1
        }
        return sum
    }

    /// cos(x) for any finite x.
    public static func cos(_ x: Double) -> Double {
        let r = reduce(x)
        var term = 1.0
        var sum = 1.0
        let r2 = r * r
        var k = 1.0
        for _ in 0..<30 {
            term = -term * r2 / ((2 * k - 1) * (2 * k))
            sum += term
            k += 1
        }
        return sum
    }

    /// tan(x) for |x| < π/2.
    public static func tan(_ x: Double) -> Double { sin(x) / cos(x) }

    /// sin(2π · cycles), reducing the argument in cycles first so that long
    /// times (a tremor phase after an hour) keep their precision.
    public static func sinCycles(_ cycles: Double) -> Double {
        let fraction = cycles - cycles.rounded(.down)  // [0, 1)
        return sin(2 * pi * (fraction > 0.5 ? fraction - 1 : fraction))
    }

    /// Reduces x to [-π, π].
    private static func reduce(_ x: Double) -> Double {
        guard x > pi || x < -pi else { return x }
        let turns = (x / (2 * pi)).rounded()
        return x - turns * 2 * pi
    }
}
