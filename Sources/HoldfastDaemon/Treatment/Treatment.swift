import HoldfastCore

/// The treatment as it stands: the client's scale and the hold rules (which
/// follow it), the warning about them, and the point being worked. The event
/// loop's parts share it: a rating changes it, frames and records read it.
final class Treatment {
    private(set) var signalConfig: SignalConfig
    /// Said when the target zone lies below or within 1 N of the start force.
    private(set) var warning: String?
    /// Which point was being worked, over time (on the sample clock).
    let timeline = PointTimeline()

    var scale: PressureScale { signalConfig.scale }
    var thresholds: HoldThresholds { signalConfig.thresholds }

    init(_ signalConfig: SignalConfig) {
        self.signalConfig = signalConfig
        warning = signalConfig.thresholds.warning(for: signalConfig.scale)
    }

    /// Why a rating was refused, in words for the client.
    struct Refusal: Error {
        let reason: String
    }

    /// "The client says `forceN` feels like `level`": the scale gains the point, and
    /// thresholds that follow the scale move with it. Returns the new scale.
    func rate(forceN: Double, level: Double) throws(Refusal) -> PressureScale {
        let updated: PressureScale
        do { updated = try scale.adding(forceN: forceN, level: level) } catch {
            throw Refusal(reason: "a level of \(level) at \(DecimalText.fixed(forceN, decimals: 1)) N contradicts the scale: \(error)")
        }
        var next = signalConfig
        next.scale = updated
        do { _ = try next.thresholds.validated() } catch {
            throw Refusal(reason: "with that rating the hold thresholds would be invalid: \(error)")
        }
        signalConfig = next
        warning = next.thresholds.warning(for: updated)
        return updated
    }
}
