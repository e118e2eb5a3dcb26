import HoldfastCore
import Testing

import Foundation

@Suite("Signal chain")
struct SignalChainTests {
    static func chain(rate: Double) throws -> SignalChain {
        try SignalChain(SignalConfig(calibration: try ForceCalibration(offset: 0, newtonsPerCount: 1e-4),
                                     sampleRateHz: rate))
    }

    /// Press-shaped input in 0.1 mN counts: rest, ramp, noisy plateau, release, repeated.
    static func presses(count: Int) -> [Sample] {
        let noise = TestSignals.steppyNoise(count: count, seed: 9)
        return (0..<count).map { i in
            let t = i % 20_000
            let force = t < 2_000 ? 0 : t < 4_000 ? Double(t - 2_000) / 2_000 * 35 : t < 16_000 ? 35 : t < 17_000 ? 35 - Double(t - 16_000) / 1_000 * 35 : 0
            let raw = Int32(((force + (noise[i] - 30) * 0.01) * 10_000).rounded())
            return Sample(timestampNs: Int64(i) * 1_000_000, raw: raw)
        }
    }

    /// Everything observable after a run, as text: the golden form.
    static func transcript(_ samples: [Sample], rate: Double) throws -> String {
        var chain = try chain(rate: rate)
        var lines: [String] = []
        for (i, s) in samples.enumerated() {
            let event = chain.process(s)
            if i % 997 == 0 { lines.append("f \(i) \(chain.lastForce)") }
            if event == .holdCompleted {
                let h = chain.detector.lastHold
                lines.append("hold \(h.startNs) \(h.endNs) \(h.meanForce) \(h.peakForce) \(h.targetNs) \(h.overNs)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func findsEveryPress() throws {
        var chain = try Self.chain(rate: 1000)
        var holds: [HoldRecord] = []
        Self.presses(count: 100_000).withUnsafeBufferPointer { chain.process($0) { holds.append($0) } }
        #expect(holds.count == 5)
        for h in holds { #expect(abs(Double(h.holdNs) / 1e9 - 14.6) < 0.05) }
    }

    /// Bit-exact output pinned by a committed golden transcript: a change in
    /// any arithmetic of the chain shows here, on every machine.
    /// HOLDFAST_UPDATE_GOLDEN=1 rewrites it after an intended change.
    @Test func matchesGoldenTranscript() throws {
        let produced = try Self.transcript(Self.presses(count: 60_000), rate: 1000)
        let path = String(#filePath.dropLast("SignalChainTests.swift".count)) + "Golden/signal-chain-1000hz.txt"
        if ProcessInfo.processInfo.environment["HOLDFAST_UPDATE_GOLDEN"] == "1" {
            try produced.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(produced == expected)
    }

    @Test func delayCorrectionCoversMedianAndFilter() throws {
        let chain = try Self.chain(rate: 1000)
        // 2/ω₀ with the double pole at 2.2 Hz × 1.554: ≈ 93.1 ms, plus 2 ms of spike rejection.
        #expect(abs(Double(chain.delayNs) / 1e6 - 95.1) < 0.3)
    }

    /// The price of the tremor filter for the live alarm: on a 10 N/s ramp through the default
    /// alarm force (50 N, level 9), the filtered force crosses under 150 ms after the force does.
    @Test("the alarm's extra delay on a 10 N/s ramp stays under 150 ms", arguments: [80.0, 320.0, 500.0, 860.0, 1000.0, 3300.0])
    func alarmDelayOnARamp(rate: Double) throws {
        let config = SignalConfig(calibration: try ForceCalibration(offset: 0, newtonsPerCount: 1e-4), sampleRateHz: rate)
        let delay = try #require(SignalChain.rampCrossingDelayNs(config, levelN: 50, newtonsPerSecond: 10))
        #expect(delay > 0 && delay < 150_000_000, "\(rate) Hz: \(Double(delay) / 1e6) ms")
    }
}
