import HoldfastCore
import HoldfastTestSupport
import Testing

@Suite("Force calibration")
struct ForceCalibrationTests {
    @Test(arguments: [1e-4, 2.384e-6, 0.0123, -5.5e-5])
    func matchesFloatingPointWithinOneCount(scale: Double) throws {
        let cal = try ForceCalibration(offset: 12_345, newtonsPerCount: scale)
        var random = SeededRandom(fallback: 0xCA11_B8A7)
        let replay = random.replay
        for _ in 0..<10_000 {
            let raw = Int32.random(in: -8_388_608...8_388_607, using: &random)
            let exact = Double(Int64(raw) - 12_345) * scale * 65536
            let limit = Double(Q16.inputLimit)
            let expected = min(max(exact, -limit), limit)
            #expect(abs(Double(cal.force(raw: raw)) - expected) <= 1.0, "raw \(raw), \(replay)")
        }
    }

    @Test func clampsToTheSignalPathInputRange() throws {
        let cal = try ForceCalibration(offset: 0, newtonsPerCount: 1)
        #expect(cal.force(raw: .max) == Q16.inputLimit)
        #expect(cal.force(raw: .min) == -Q16.inputLimit)
    }

    @Test func rejectsUnrepresentableScales() {
        for bad in [0.0, .nan, .infinity, 1e9] {
            #expect(throws: SignalDesignError.self) { try ForceCalibration(offset: 0, newtonsPerCount: bad) }
        }
    }
}
