/// Aligned figures on stdout.
enum Report {
    static func row(_ name: String, _ value: Double, unit: String) {
        print("    \(pad(name, 52)) \(number(value)) \(unit)")
    }

    static func ratio(_ name: String, _ value: Double) {
        print("    \(pad(name, 52)) \(number(value)) ×")
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// 100000 as "100 k", 1000 as "1 k", smaller counts as they are.
    static func thousands(_ n: Int) -> String { n >= 1000 && n % 1000 == 0 ? "\(n / 1000) k" : "\(n)" }

    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "       n/a" }
        let hundredths = Int64((v * 100).rounded())
        let text = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }
}

/// Seconds of wall time taken by `body`.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
