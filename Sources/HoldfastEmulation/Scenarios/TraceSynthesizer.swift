import HoldfastTrace
import HoldfastCore
import HoldfastPOSIX

/// Turns a scenario into the samples a real sensor chain would deliver:
/// the clean profile plus noise, tremor, mains pickup, a wandering zero,
/// spikes, timestamp jitter, host-side burst timestamps and dropouts, all
/// from the scenario's seed.
public struct TraceSynthesizer {
    public let scenario: Scenario

    public init(_ scenario: Scenario) { self.scenario = scenario }

    /// One synthesised row: time in ns, force in trace counts (0.1 mN), and
    /// the point label that starts at this row, if any.
    public struct Row: Equatable {
        public var timeNs: Int64
        public var forceCounts: Int64
        public var point: String?
        /// The client signalled at this row (the first row at or after a scripted trial's signal).
        public var signal = false
    }

    /// Calls `body` for every row in time order.
    public func forEachRow(_ body: (Row) throws(SystemError) -> Void) throws(SystemError) {
        let s = scenario
        var random = SplitMix64(seed: s.seed)
        let period = 1 / s.rateHz
        let count = Int((s.durationS * s.rateHz).rounded(.down)) + 1
        let jitterS = min(s.jitterUs * 1e-6, 0.45 * period)  // keep time non-decreasing
        let spikeProbability = (s.spikes?.perSecond ?? 0) * period
        let dropoutProbability = (s.dropouts?.perSecond ?? 0) * period
        let tremorPhase = random.unit()
        var cursor = 0
        var spikeLeft = 0
        var spikeValue = 0.0
        var dropoutUntil = -1.0
        var nextPoint = 0
        var pendingLabel: String?  // a label waits for the next delivered row
        var nextTrial = 0
        var pendingSignal = false  // so does a signal
        var burstArrival = -1.0
        var burstIndex = 0
        for i in 0..<count {
            let nominal = Double(i) * period
            let t = max(0, nominal + (jitterS > 0 ? (2 * random.unit() - 1) * jitterS : 0))
            let clean = s.cleanForce(at: t, cursor: &cursor)
            var force = clean + s.noiseN * random.gaussian()
            if let tremor = s.tremor {
                // The hand trembles only while it presses: in proportion to the force, or growing in up to 10 N.
                let amplitude = tremor.fractionOfForce.map { $0 * max(0, clean) }
                    ?? min(1, max(0, clean / 10)) * tremor.amplitudeN
                force += amplitude * DeterministicMath.sinCycles(tremor.frequencyHz * t + tremorPhase)
            }
            if let mains = s.mains {
                // Harmonic k at 1/k of the fundamental, each with its own fixed phase (a distorted, asymmetric wave).
                for k in 1...mains.harmonics {
                    let phase = Double(k - 1) * 0.137
                    force += mains.amplitudeN / Double(k)
                        * DeterministicMath.sinCycles(Double(k) * mains.frequencyHz * t + phase)
                }
            }
            if let baseline = s.baseline {
                force += baseline.amplitudeN * DeterministicMath.sinCycles(baseline.frequencyHz * t)
            }
            if let spikes = s.spikes {
                if spikeLeft == 0 && random.unit() < spikeProbability {
                    spikeLeft = 1 + Int(random.next() % UInt64(spikes.maxSamples))
                    spikeValue = (random.unit() < 0.5 ? -1 : 1) * spikes.amplitudeN
                }
                if spikeLeft > 0 {
                    force += spikeValue
                    spikeLeft -= 1
                }
            }
            if let dropouts = s.dropouts, t >= dropoutUntil, random.unit() < dropoutProbability {
                dropoutUntil = t + dropouts.lengthS
            }
            while nextPoint < s.points.count && s.points[nextPoint].timeS <= t {
                pendingLabel = s.points[nextPoint].label
                nextPoint += 1
            }
            while nextTrial < s.trials.count && s.trials[nextTrial].signalS <= t {
                pendingSignal = true
                nextTrial += 1
            }
            if t < dropoutUntil { continue }
            let counts = Int64((force / TraceReader.countNewtons).rounded())
            var stamp = t
            if let bursts = s.hostBursts {
                // Sampled at t, delivered with the burst that follows, stamped on arrival.
                let arrival = (t / bursts.periodS).rounded(.up) * bursts.periodS
                burstIndex = arrival == burstArrival ? burstIndex + 1 : 0
                burstArrival = arrival
                stamp = arrival + Double(burstIndex) * bursts.spacingS
            }
            try body(Row(timeNs: Int64((stamp * 1e9).rounded()), forceCounts: counts, point: pendingLabel, signal: pendingSignal))
            pendingLabel = nil
            pendingSignal = false
        }
    }

    /// Writes the trace as CSV (see ``TraceReader`` for the format), with a
    /// self-describing `# key: value` header.
    public func writeCSV(to path: String) throws(SystemError) {
        let out = try FileWriter(creating: path)
        // The event column and the session's annotations only when the scenario has them: other traces stay as they were.
        let events = !scenario.trials.isEmpty
        var annotations = ""
        if let client = scenario.client { annotations += "# client: \(client)\n" }
        if let date = scenario.date { annotations += "# date: \(date)\n" }
        for o in scenario.outcomes {
            annotations += "# outcome: \(DecimalText.fixed(o.timeS, decimals: 3)) \(o.words)\n"
        }
        try out.write("""
            # scenario: \(scenario.name)
            # generator: holdfast simulate
            # rate_hz: \(scenario.rateHz)
            # seed: \(scenario.seed)
            # scale: \(scenario.scale.text)
            \(annotations)time_s,force_n,point\(events ? ",event" : "")

            """)
        try forEachRow { (row: Row) throws(SystemError) in
            try out.withBuffer { buffer in
                // Microsecond timestamps keep a 45-minute 1 kHz trace near 50 MB.
                DecimalText.append(DecimalText.roundedDivision(row.timeNs, 1000), decimals: 6, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                DecimalText.append(row.forceCounts, decimals: 4, to: &buffer)
                buffer.append(UInt8(ascii: ","))
                if let point = row.point { buffer.append(contentsOf: point.utf8) }
                if events {
                    buffer.append(UInt8(ascii: ","))
                    if row.signal { buffer.append(contentsOf: "ppt".utf8) }
                }
                buffer.append(UInt8(ascii: "\n"))
            }
        }
        try out.close()
    }
}
