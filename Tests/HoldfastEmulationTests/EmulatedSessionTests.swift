import Foundation
import HoldfastEmulation
import HoldfastTestSupport
import Testing

@Suite("Emulated session")
struct EmulatedSessionTests {
    /// A trace may start anywhere the reader accepts (±9.2e9 s); moving it onto the clock trapped.
    @Test(arguments: ["-9223372000", "9223371000"])
    func aTraceTooFarFromZeroIsRefusedNotTrappedOn(start: String) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("far.csv", "time_s,force_n\n\(start).000,0\n\(start).500,1\n")
        let faults = try FaultPlan(parsing: "nack@1+1")
        do throws(EmulatedSession.PlayError) {
            _ = try EmulatedSession.play(path, chip: .nau7802, speed: 1, faults: faults,
                                         sampleRateHz: nil) { _, _ in }
            Issue.record("played a trace starting at \(start) s")
        } catch {
            #expect(error.description.contains("too far from 0 to play"), "\(error)")
        }
    }
}
