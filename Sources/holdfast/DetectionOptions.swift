import ArgumentParser
import HoldfastCore
import HoldfastReplay
import HoldfastSession

/// The pressure scale, hold thresholds and filter options shared by every command that detects holds.
struct DetectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The client's pressure scale as NEWTONS=LEVEL points, strictly increasing "
                               + "(default: the trace's \"# scale:\" line, or \(PressureScale.standardText)).",
                               valueName: "F=L,…"))
    var scale: String?

    @Option(name: .customLong("start-n"),
            help: "A hold starts when the filtered force rises through this (N). Default: level 1.4 on the scale, at most 5 N.")
    var startN: Double?

    @Option(name: .customLong("end-n"),
            help: "A hold ends when the filtered force falls through this (N). Default: level 1.0 on the scale, at most 3 N.")
    var endN: Double?

    @Option(name: .customLong("max-dip-s"), help: "A dip toward zero (below half the end force) shorter than this (s) does not end a hold.")
    var maxDipS: Double = HoldRules.standard.maxDipS

    @Option(name: .customLong("max-regrip-s"), help: "A dip that stays above half the end force (a re-grip) shorter than this (s) does not end a hold.")
    var maxRegripS: Double = HoldRules.standard.maxRegripS

    @Option(name: .customLong("min-hold-s"), help: "Contacts shorter than this (s) are touches, not holds.")
    var minHoldS: Double = HoldRules.standard.minHoldS

    @Option(name: .customLong("cutoff-hz"), help: "Low-pass cutoff (Hz).")
    var cutoffHz: Double = SignalConfig.defaultCutoffHz

    @Flag(name: .customLong("no-spike-rejection"), help: "Keep 1–2-sample spikes (skip the spike rejector).")
    var noSpikeRejection = false

    @Flag(name: .customLong("zero-tracking"), help: "Follow a drifting zero between contacts (traces from un-zeroed loggers).")
    var zeroTracking = false

    @Option(name: .customLong("ppt-rate"), help: ArgumentHelp("The PPT ramp asked for: N/s or kPa/s (kPa/s needs --probe-area-cm2).",
                                                              valueName: "rate"))
    var pptRate = "5N/s"

    @Option(name: .customLong("ppt-tolerance-pct"), help: "A trial whose ramp strays further from --ppt-rate (%) is not valid.")
    var pptTolerancePct = 40.0

    @Option(name: .customLong("probe-area-cm2"), help: "The probe's area (cm²): thresholds also in kPa.")
    var probeAreaCm2: Double?

    @Option(name: .customLong("mdc-pct"), help: "Minimal detectable change of a PPT (% of its pre value).")
    var mdcPct = 20.0

    /// Checked by ArgumentParser before `run`, so errors show with the subcommand's usage.
    func validate() throws {
        var options = ReplayOptions(tracePath: "", sessionPath: nil)
        try apply(to: &options)
    }

    /// Fills the detection part of replay options, with errors naming the option.
    func apply(to options: inout ReplayOptions) throws(ValidationError) {
        if let scale {
            do { options.scale = try PressureScale(parsing: scale) }
            catch { throw ValidationError("--scale \"\(scale)\": \(error)") }
        }
        let rules = HoldRules(startN: startN, endN: endN, maxDipS: maxDipS, maxRegripS: maxRegripS, minHoldS: minHoldS)
        do { options.holdRules = try rules.validated() }
        catch { throw ValidationError("thresholds: \(error)") }
        guard cutoffHz.isFinite, cutoffHz > 0 else { throw ValidationError("--cutoff-hz \(cutoffHz) must be above 0") }
        options.cutoffHz = cutoffHz
        options.spikeRejection = !noSpikeRejection
        if zeroTracking { options.zeroTracking = true }
        do {
            var ppt = PPTPolicy(tolerance: pptTolerancePct / 100, probeAreaCm2: probeAreaCm2, mdcFraction: mdcPct / 100)
            ppt.rateNPerS = try PPTPolicy.rate(parsing: pptRate, probeAreaCm2: probeAreaCm2)
            options.ppt = try ppt.validated()
        } catch {
            throw ValidationError("PPT: \(error)")
        }
    }
}
