import HoldfastCore
import HoldfastPOSIX
import HoldfastSensors
import HoldfastEmulation
import Testing

/// The real drivers and acquisition loop against the register-level
/// emulators, in emulated time, with injected faults.
@Suite("Emulated acquisition")
struct EmulatedAcquisitionTests {
    /// A constant force for `seconds`.
    final class Constant: ForceSource {
        let newtons: Double, endNs: Int64
        init(_ newtons: Double, seconds: Double) { self.newtons = newtons; endNs = Int64(seconds * 1e9) }
        func force(atNs t: Int64) -> Double? { t <= endNs ? newtons : nil }
    }

    struct Run {
        var samples: [Sample]
        var stats: AcquisitionStatistics.Snapshot
        var sensor: EmulatedSensor
    }

    func acquire(_ chip: EmulatedChip, newtons: Double = 20, seconds: Double = 3, faults: String = "",
                 withLine: Bool = true) throws -> Run {
        let sensor = try EmulatedSensor(chip, force: Constant(newtons, seconds: seconds), faults: try FaultPlan(parsing: faults))
        let ring = try SPSCRing<Sample>(minimumCapacity: 1 << 16)
        let acquisition = Acquisition(sensor: sensor.driver, line: withLine ? sensor.line : nil, clock: sensor.clock, ring: ring)
        // The force ends at `seconds` once the chip samples it; a chip that stopped converting never gets there.
        let deadline = sensor.clock.nowNs() + Int64((seconds + 5) * 1e9)
        acquisition.run(until: { sensor.ended || sensor.clock.nowNs() > deadline })
        var samples: [Sample] = []
        while let s = ring.pop() { samples.append(s) }
        return Run(samples: samples, stats: acquisition.statistics.snapshot, sensor: sensor)
    }

    func newtons(_ s: Sample, _ run: Run) -> Double {
        Double(s.raw - run.sensor.offsetCounts) * run.sensor.newtonsPerCount
    }

    @Test("every chip delivers its rate and the force", arguments: EmulatedChip.allCases)
    func deliversRateAndForce(chip: EmulatedChip) throws {
        let run = try acquire(chip)
        let rate = run.sensor.driver.sampleRateHz
        #expect(abs(run.stats.achievedRateHz - rate) < rate * 0.01)
        #expect(abs(Double(run.samples.count) - 3 * rate) <= 3)
        #expect(run.stats.errors == 0 && run.stats.gaps == 0 && run.stats.polledSamples == 0)
        let mean = run.samples.map { newtons($0, run) }.reduce(0, +) / Double(run.samples.count)
        #expect(abs(mean - 20) < 0.05, "mean \(mean) N")
        // Edge timestamps are exactly one period apart.
        let period = Int64((1e9 / rate).rounded())
        #expect(zip(run.samples, run.samples.dropFirst()).allSatisfy { $1.timestampNs - $0.timestampNs == period })
    }

    /// The live status follows the mode as it changes back and forth, not a cumulative count:
    /// data-ready → polling (the line goes silent) → data-ready → starting (the chip vanishes) → data-ready.
    @Test func theModeFollowsTheLineAndTheChip() throws {
        let sensor = try EmulatedSensor(.nau7802, force: Constant(20, seconds: 8), faults: try FaultPlan(parsing: "stuck@1+1,vanish@4+1"))
        let ring = try SPSCRing<Sample>(minimumCapacity: 1 << 16)
        let acquisition = Acquisition(sensor: sensor.driver, line: sensor.line, clock: sensor.clock, ring: ring)
        #expect(acquisition.statistics.snapshot.mode == .starting)
        var seen: [AcquisitionMode] = []
        let deadline = sensor.clock.nowNs() + 13_000_000_000
        while !sensor.ended && sensor.clock.nowNs() < deadline {
            acquisition.step()
            while ring.pop() != nil {}
            let mode = acquisition.statistics.snapshot.mode
            if seen.last != mode { seen.append(mode) }
        }
        #expect(seen == [.starting, .dataReady, .polling, .dataReady, .starting, .dataReady], "\(seen)")
    }

    @Test func aVanishingChipIsReinitialisedAndTheGapRecorded() throws {
        let run = try acquire(.nau7802, seconds: 5, faults: "vanish@1+1.5")
        #expect(run.stats.errors >= 1)
        #expect(run.stats.recoveries == 1)
        // Retries back off to at most 250 ms, so the gap ends soon after the chip returns.
        #expect(run.stats.longestGapNs >= 1_500_000_000 && run.stats.longestGapNs < 1_800_000_000)
        let gapped = run.samples.filter { $0.flags.contains(.afterGap) }
        #expect(gapped.count == 1)
        #expect(gapped.first.map { $0.timestampNs >= 2_500_000_000 } == true)
        // After recovery the readings are right again.
        let after = run.samples.filter { $0.timestampNs > 3_000_000_000 }
        let wrong = after.filter { abs(newtons($0, run) - 20) >= 0.5 }
        #expect(wrong.isEmpty, "\(wrong.prefix(3).map { ($0.timestampNs, newtons($0, run)) })")
    }

    /// A brown-out too short for any transfer to fail: the chip simply comes
    /// back in its power-on state (idle), and nothing but its registers says so.
    @Test("a chip reset between two transfers is noticed and restarted",
          arguments: [(EmulatedChip.nau7802, true), (.nau7802, false), (.ads1115, true), (.ads1115, false), (.ads1015, true)])
    func aSilentResetIsNoticed(chip: EmulatedChip, withLine: Bool) throws {
        let run = try acquire(chip, seconds: 5, faults: "vanish@1.0001+0.00001", withLine: withLine)
        #expect(run.stats.recoveries == 1, "\(run.stats)")
        // Noticed within the once-a-second check, and the readings right again after it.
        let rate = run.sensor.driver.sampleRateHz
        let late = run.samples.filter { $0.timestampNs > 2_600_000_000 }
        #expect(abs(Double(late.count) - 2.4 * rate) < rate * 0.05, "\(late.count) samples in the last 2.4 s")
        #expect(late.allSatisfy { abs(newtons($0, run) - 20) < 0.5 })
    }

    @Test func aNackBurstIsSurvived() throws {
        let run = try acquire(.ads1115, seconds: 3, faults: "nack@1+0.05")
        #expect(run.stats.errors >= 1)
        #expect(run.stats.recoveries == 1)
        #expect(run.stats.longestGapNs >= 50_000_000)
        #expect(Double(run.samples.count) > 3 * 860 - 0.2 * 860)
    }

    @Test("a stuck data-ready line falls back to polling", arguments: [EmulatedChip.nau7802, .ads1115])
    func stuckLineFallsBackToPolling(chip: EmulatedChip) throws {
        let run = try acquire(chip, seconds: 4, faults: "stuck@1+1")
        let rate = run.sensor.driver.sampleRateHz
        #expect(run.stats.polledSamples > Int(0.8 * rate))
        // Polling kept the stream going: no hole longer than a few periods after the first timeout.
        #expect(run.stats.longestGapNs < Int64(5e9 / rate))
        #expect(abs(Double(run.samples.count) - 4 * rate) < 0.05 * 4 * rate)
    }

    @Test func withoutALineTheNAU7802IsPolledOnItsReadyBit() throws {
        let run = try acquire(.nau7802, seconds: 2, withLine: false)
        #expect(run.stats.polledSamples == run.samples.count)
        #expect(abs(Double(run.samples.count) - 640) <= 3)
        // Each conversion is read once: readings are at least about a period apart.
        #expect(zip(run.samples, run.samples.dropFirst()).allSatisfy { $1.timestampNs - $0.timestampNs > 2_000_000 })
    }

    @Test func saturationIsFlaggedInTheStream() throws {
        let run = try acquire(.ads1015, seconds: 2, faults: "saturate@1+0.1")
        let flagged = run.samples.filter { $0.flags.contains(.saturated) }
        #expect(abs(flagged.count - 330) <= 2)
        #expect(run.stats.saturated == flagged.count)
    }

    @Test func busLatencyLowersNothingBelowTheChipsRate() throws {
        // 300 µs a transfer: well within a 3.1 ms NAU7802 period.
        let run = try acquire(.nau7802, seconds: 2, faults: "latency=300us")
        // Start-up (about 40 slow transfers) takes a few periods; after that no conversion is missed.
        let first = try #require(run.samples.first), last = try #require(run.samples.last)
        #expect(first.timestampNs < 30_000_000)
        let period = 1e9 / run.sensor.driver.sampleRateHz
        let expected = (Double(last.timestampNs - first.timestampNs) / period).rounded() + 1
        #expect(abs(Double(run.samples.count) - expected) <= 1, "\(run.samples.count) samples, \(expected) periods")
        #expect(run.samples.count > 620)
    }
}

@Suite("Fault plans")
struct FaultPlanTests {
    @Test func parsesEveryKind() throws {
        let plan = try FaultPlan(parsing: "nack@12+0.2, vanish@30+2,stuck@50+1,saturate@70+0.5,latency=300us")
        #expect(plan.windows.count == 4)
        #expect(plan.latencyNs == 300_000)
        #expect(plan.active(.vanish, at: 31_000_000_000))
        #expect(!plan.active(.vanish, at: 32_000_000_000))
    }

    @Test(arguments: ["wobble@1+1", "nack@1", "nack@x+1", "nack@1+0", "latency=fast"])
    func rejectsMalformedItems(text: String) {
        #expect(throws: FaultPlanError.self) { try FaultPlan(parsing: text) }
    }

    /// These trapped converting seconds to nanoseconds.
    @Test(arguments: ["nack@1e300+1", "nack@0+1e12", "stuck@8999999999+2", "latency=1e300ms", "latency=2e9us"])
    func numbersBeyondEmulationAreErrorsNamingTheItem(text: String) {
        #expect(throws: FaultPlanError.outOfRange(text, text.hasPrefix("latency") ? "a latency of at most 1 s"
                                                      : "a window that ends by 9000000000 s")) {
            try FaultPlan(parsing: text)
        }
    }

    @Test func shiftingSaturatesAtTheEndsOfTime() throws {
        let plan = try FaultPlan(parsing: "nack@8000000000+1")
        // Unwrapped first: Swift 6.0.3 crashes compiling #expect(optional == .max).
        let late = try #require(plan.shifted(byNs: .max).windows.first)
        let early = try #require(plan.shifted(byNs: .min).windows.first)
        #expect(late.endNs == Int64.max)
        #expect(early.startNs == 8_000_000_000_000_000_000 + Int64.min)
    }
}
