import AllocationCounter
import HoldfastCore
import HoldfastPOSIX
import HoldfastReplay
import HoldfastEmulation
import ReferenceKernels

// holdfast-bench: prints figures, asserts no times. Ratios compare
// implementations measured side by side in this one run.
//   --quick   smaller workloads (for CI: checks allocations, prints figures)
//   --check   exit 1 if the hot path allocates (the only thing it asserts)
//   --replay  only the trace parse and replay figures (c)
//   --chain   only the signal chain's figures (b)
//   --allocations  only the heap allocations in the steady state (d), with --check

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let check = arguments.contains("--check")

print("holdfast-bench\(quick ? " (quick)" : "")")
print("")

if arguments.contains("--replay") {
    try ReplayBenchmark.report(minutes: quick ? 5 : 45, rounds: quick ? 1 : 3)
    exit(0)
}

/// (b) The signal chain's cost per sample, and what its filter costs the alarm.
func chainSection() throws {
    let chainSamples = ChainBenchmarks.presses(count: quick ? 1_000_000 : 4_000_000)
    let reps = quick ? 3 : 10
    print("(b) Signal chain: \(chainSamples.count / 1_000_000) M samples × \(reps) runs at 1 kHz")
    let biquad = ChainBenchmarks.biquadOnly(chainSamples, reps: reps)
    let reference = ChainBenchmarks.referenceBiquad(chainSamples, reps: reps)
    let chain = ChainBenchmarks.fullChain(chainSamples, reps: reps)
    Report.row("Swift Q2.30 biquad alone", biquad, unit: "M/s")
    Report.row("C DF1 Q31 biquad (CMSIS-style)", reference, unit: "M/s")
    Report.ratio("Swift biquad / C biquad", biquad / reference)
    Report.row("calibrate → spikes → biquad → detector", chain, unit: "M/s")
    Report.row("full chain, per sample", 1e3 / chain, unit: "ns")
    print("")

    // MARK: (b2) What the tremor filter costs the live alarm

    print("(b2) Alarm delay: from the force crossing 50 N on a 10 N/s ramp to the filtered force crossing it")
    for rate in [80.0, 320.0, 860.0, 3300.0] {
        let config = try SignalConfig(calibration: ForceCalibration(offset: 0, newtonsPerCount: 1e-4), sampleRateHz: rate)
        let delay = SignalChain.rampCrossingDelayNs(config, levelN: 50, newtonsPerSecond: 10).map { Double($0) / 1e6 } ?? .nan
        Report.row("at \(Int(rate)) SPS (cutoff \(config.cutoffHz) Hz)", delay, unit: "ms")
    }
    print("")
}

if arguments.contains("--chain") {
    try chainSection()
    exit(0)
}

/// (d) Heap allocations of the hot path once it is running; with --check, any fails the run.
func allocationSection() {
    print("(d) Heap allocations in the steady state")
    let made = 1000, counted = AllocationBenchmarks.counterCheck(made)
    print("    the counter: \(counted) allocations counted while making \(made) arrays")
    if check && counted < made {
        print("FAIL: the allocation counter does not count")
        exit(1)
    }
    let rows = AllocationBenchmarks.run()
    for row in rows {
        let label = "\(row.name), \(Report.thousands(row.samples)) samples"
        print("    \(Report.pad(label, 56)) " + (row.allocations.map { "\($0) allocations" } ?? "could not run"))
    }
    let failing = rows.filter { ($0.allocations ?? 1) > 0 }
    if check && !failing.isEmpty {
        print("FAIL: the hot path allocated, or its check could not run: \(failing.map(\.name))")
        exit(1)
    }
}

if arguments.contains("--allocations") {
    allocationSection()
    exit(0)
}

// MARK: (a) Ring throughput between two threads

let transfers = quick ? 2_000_000 : 20_000_000
print("(a) Ring: \(transfers / 1_000_000) M samples of 16 bytes, producer and consumer threads, capacity 4096, best of \(quick ? 1 : 3)")
// Best of several rounds: two spinning threads on two cores are at the mercy of the scheduler.
let rounds = quick ? 1 : 3
for batch in [1, 256] {
    var ring = 0.0, mutex = 0.0, boost = 0.0
    for _ in 0..<rounds {
        ring = max(ring, RingBenchmarks.spsc(count: transfers, capacity: 4096, batch: batch))
        mutex = max(mutex, RingBenchmarks.mutex(count: transfers, capacity: 4096, batch: batch))
        let boostSeconds = ref_boost_spsc_transfer(transfers, 4096, Int32(batch))
        boost = max(boost, boostSeconds > 0 ? Double(transfers) / boostSeconds / 1e6 : .nan)
    }
    let label = batch == 1 ? "one at a time" : "batches of \(batch)"
    Report.row("SPSCRing, \(label)", ring, unit: "M/s")
    Report.row("Mutex ring, \(label)", mutex, unit: "M/s")
    Report.row("boost::lockfree::spsc_queue, \(label)", boost, unit: "M/s")
    Report.ratio("SPSCRing / Mutex ring", ring / mutex)
    Report.ratio("SPSCRing / Boost", ring / boost)
}
print("")

// MARK: (b) Filter and detector cost per sample

try chainSection()

// MARK: (c) Replaying a 45-minute 1 kHz trace

try ReplayBenchmark.report(minutes: quick ? 5 : 45, rounds: quick ? 1 : 3)

// MARK: (e) The sensor path in real time

print("(e) Sensor path in real time: emulated chip → driver → acquisition → ring → core (live policy: drops counted)")
let sensorSeconds = quick ? 0.5 : 2.0
var sensorRuns: [(String, EmulatedChip, Double?)] = [
    ("NAU7802 at its 320 SPS", .nau7802, nil), ("ADS1115 at its 860 SPS", .ads1115, nil),
    ("ADS1015 at its 3300 SPS", .ads1015, nil),
]
for khz in quick ? [100.0] : [10.0, 50.0, 100.0, 200.0] {
    sensorRuns.append(("ADS1015 emulated at \(Int(khz)) kHz", .ads1015, khz * 1000))
}
for (label, chip, rate) in sensorRuns {
    guard let r = SensorBenchmarks.run(chip, rateOverrideHz: rate, seconds: sensorSeconds) else {
        print("    \(label): could not start")
        continue
    }
    print("    \(Report.pad(label, 30)) achieved \(Report.number(r.achievedHz)) Hz, ring drops \(r.drops), missed \(r.missed), "
          + "edge→core p50 \(Report.number(r.p50Us)) µs, p99 \(Report.number(r.p99Us)) µs")
}
print("")

// MARK: (d) Allocations in the steady state

allocationSection()
