import HoldfastCore
import HoldfastProtocol
import HoldfastSensors
import HoldfastSession

/// Builds what clients see of the daemon's state: the greeting and the live
/// frames (25 a second, and in reply to `status`). It reads; it changes nothing.
struct FrameEncoder {
    let live: LiveState
    let acquisition: AcquisitionStatistics
    let ring: SPSCRing<Sample>
    let clock: MonotonicClock
    let treatment: Treatment
    let sessions: Sessions
    let writer: RecordWriter
    let alarmOutput: AlarmOutput
    let sensorName: String
    let alarmLevel: Double
    let ppt: PPTPolicy

    func hello() -> DaemonMessage.Hello {
        let t = treatment.thresholds
        return DaemonMessage.Hello(sensor: sensorName, scale: treatment.scale.text, alarmLevel: alarmLevel, minHoldS: t.minHoldS,
                                   startN: rounded(t.startN, decimals: 3), endN: rounded(t.endN, decimals: 3),
                                   warning: treatment.warning, pptRateNS: ppt.rateNPerS, pptTolerance: ppt.tolerance,
                                   pptTrials: ppt.trials, probeAreaCm2: ppt.probeAreaCm2)
    }

    /// A live frame; `id` marks one sent in reply to a status command.
    func frame(id: String? = nil) -> DaemonMessage.LiveFrame {
        let state = live.snapshot
        let stats = acquisition.snapshot
        let now = clock.nowNs()
        let level = treatment.scale.level(atForce: state.forceN)
        let heldNs = state.stage == .idle ? 0 : max(0, state.timeNs - state.contactStartNs)
        let stage: String = switch state.stage {
        case .idle: "idle"
        case .pressing: heldNs >= Int64(treatment.thresholds.minHoldS * 1e9) ? "hold" : "ramp"
        case .dipping: "release"
        }
        let sensor = DaemonMessage.SensorStatus(
            rateHz: rounded(stats.achievedRateHz, decimals: 1), drops: ring.droppedCount, errors: stats.errors, gaps: stats.gaps,
            polled: stats.polledSamples,
            status: SensorHealth.describe(mode: stats.mode, sinceLastSampleNs: stats.lastSampleNs.map { now - $0 }),
            lastError: stats.lastError)
        let session = sessions.current
        let pressing = state.stage != .idle
        // The ramp a PPT trial would record: from the onset (the start force) to now, once there is a ramp to measure.
        var ramp: Double?
        if pressing, !state.signalled, heldNs >= Self.rampAfterNs {
            ramp = rounded((state.forceN - treatment.thresholds.startN) / (Double(heldNs) / 1e9), decimals: 2)
        }
        return DaemonMessage.LiveFrame(
            id: id, tS: Self.seconds(session.map { $0.relative(state.timeNs) } ?? state.timeNs),
            forceN: rounded(state.forceN, decimals: 2), level: rounded(level, decimals: 2), zone: Zone(level: level).name,
            stage: stage, holdS: Self.seconds(heldNs), point: treatment.timeline.label(at: now), alarm: state.alarm,
            session: session?.path, sensor: sensor, fault: faults(), warning: treatment.warning,
            rampNS: ramp, signalled: pressing && state.signalled ? true : nil,
            fading: pressing && Self.fading(forceN: state.forceN, establishedN: state.establishedN, scale: treatment.scale) ? true : nil)
    }

    /// A ramp is shown once it has lasted this long (before, one sample's noise is most of it).
    static let rampAfterNs: Int64 = 300_000_000

    /// The hold is fading: more than 10 % below the level it established, and leaving the target zone (its
    /// level under the zone's lower half level) after having established itself in the zone or above.
    static func fading(forceN: Double, establishedN: Double, scale: PressureScale) -> Bool {
        guard establishedN > 0, forceN < 0.9 * establishedN else { return false }
        let low = PressureScale.targetLevels.lowerBound
        return scale.level(atForce: establishedN) >= low && scale.level(atForce: forceN) < low + 0.5
    }

    /// What the therapist must see: records that cannot be written, an alarm output that fails.
    private func faults() -> String? {
        var faults: [String] = []
        if let fault = writer.status.fault { faults.append("NOT RECORDED: \(fault)") }
        if alarmOutput.errors > 0 {
            faults.append("alarm output failed \(alarmOutput.errors) time\(alarmOutput.errors == 1 ? "" : "s"): \(alarmOutput.lastError ?? "")")
        }
        return faults.isEmpty ? nil : faults.joined(separator: "; ")
    }

    /// Nanoseconds as seconds with 3 decimals, as in the session file.
    static func seconds(_ ns: Int64) -> Double { Double(DecimalText.roundedDivision(ns, 1_000_000)) / 1000 }
}

/// What the live status says about the sensor, from the acquisition's
/// current mode and how long ago the last sample came.
enum SensorHealth {
    /// No sample for this long: the sensor counts as disconnected.
    static let silentAfterNs: Int64 = 500_000_000

    static func describe(mode: AcquisitionMode, sinceLastSampleNs: Int64?) -> String {
        guard let since = sinceLastSampleNs, since <= silentAfterNs else { return "disconnected" }
        switch mode {
        case .starting: return "restarting"
        case .polling: return "polling"
        case .dataReady: return "ok"
        }
    }
}
