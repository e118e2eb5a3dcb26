import ArgumentParser
import HoldfastCore
import HoldfastReplay

/// The pressure scale, hold thresholds and filter options shared by every command that detects holds.
struct DetectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The client's pressure scale as NEWTONS=LEVEL points, strictly increasing.",
                               valueName: "F=L,…"))
    var calibration: String = PressureScale.standardText

    @Option(name: .customLong("start-n"), help: "A hold starts when the filtered force rises through this (N).")
    var startN: Double = HoldThresholds.standard.startN

    @Option(name: .customLong("end-n"), help: "A hold ends when the filtered force falls through this (N).")
    var endN: Double = HoldThresholds.standard.endN

    @Option(name: .customLong("max-dip-s"), help: "A dip below the end force shorter than this (s) does not end a hold.")
    var maxDipS: Double = HoldThresholds.standard.maxDipS

    @Option(name: .customLong("min-hold-s"), help: "Contacts shorter than this (s) are touches, not holds.")
    var minHoldS: Double = HoldThresholds.standard.minHoldS

    @Option(name: .customLong("cutoff-hz"), help: "Low-pass cutoff (Hz).")
    var cutoffHz: Double = SignalConfig.defaultCutoffHz

    @Flag(name: .customLong("no-spike-rejection"), help: "Skip the median-of-5 spike filter.")
    var noSpikeRejection = false

    /// Checked by ArgumentParser before `run`, so errors show with the subcommand's usage.
    func validate() throws {
        var options = ReplayOptions(tracePath: "", sessionPath: nil)
        try apply(to: &options)
    }

    /// Fills the detection part of replay options, with errors naming the option.
    func apply(to options: inout ReplayOptions) throws(ValidationError) {
        do { options.scale = try PressureScale(parsing: calibration) }
        catch { throw ValidationError("--calibration \"\(calibration)\": \(error)") }
        let thresholds = HoldThresholds(startN: startN, endN: endN, maxDipS: maxDipS, minHoldS: minHoldS)
        do { options.thresholds = try thresholds.validated() }
        catch { throw ValidationError("thresholds: \(error)") }
        guard cutoffHz.isFinite, cutoffHz > 0 else { throw ValidationError("--cutoff-hz \(cutoffHz) must be above 0") }
        options.cutoffHz = cutoffHz
        options.spikeRejection = !noSpikeRejection
    }
}
