import HoldfastCore

/// The analogue side of an emulated sensor: force in, volts at the ADC input
/// out, with offset, slow drift and white noise. Noise for conversion k is
/// drawn from the seed and k alone, so it does not depend on how often the
/// driver reads.
public struct FrontEnd: Sendable, Equatable {
    public var voltsPerNewton: Double
    public var offsetVolts: Double
    public var noiseVolts: Double
    /// Zero drift (temperature), volts per second.
    public var driftVoltsPerSecond: Double
    public var seed: UInt64

    public init(voltsPerNewton: Double, offsetVolts: Double, noiseVolts: Double,
                driftVoltsPerSecond: Double = 0, seed: UInt64 = 1) {
        self.voltsPerNewton = voltsPerNewton
        self.offsetVolts = offsetVolts
        self.noiseVolts = noiseVolts
        self.driftVoltsPerSecond = driftVoltsPerSecond
        self.seed = seed
    }

    /// A 50 kg button load cell (1 mV/V) on 3.3 V excitation: the NAU7802 kit.
    public static let buttonLoadCell = FrontEnd(voltsPerNewton: 3.3e-3 / 490.3, offsetVolts: 0.2e-3,
                                                noiseVolts: 40e-9, driftVoltsPerSecond: 2e-9)
    /// A force-sensing resistor in a divider with a buffer, 0–3.3 V over 0–200 N: the ADS1115 kit.
    public static let fsrDivider = FrontEnd(voltsPerNewton: 3.3 / 200, offsetVolts: 0.012, noiseVolts: 0.3e-3)

    /// Volts at the input for `forceN` at conversion `index`, `timeNs` after the sensor was switched on.
    public func volts(forceN: Double, timeNs: Int64, index: Int64) -> Double {
        var random = SplitMix64(seed: seed ^ (UInt64(bitPattern: index) &* 0x9E37_79B9_7F4A_7C15))
        return offsetVolts + driftVoltsPerSecond * Double(timeNs) / 1e9 + forceN * voltsPerNewton
            + noiseVolts * random.gaussian()
    }
}

/// Conversion timing of a free-running ADC: conversion k (k ≥ 1) completes at start + k·period.
struct ConversionTimer: Sendable {
    var startNs: Int64
    var periodNs: Int64

    init(startNs: Int64, rateHz: Double) {
        self.startNs = startNs
        periodNs = Int64((1e9 / rateHz).rounded())
    }

    /// The last conversion completed at or before `t`, or nil if none yet.
    func latest(at t: Int64) -> Int64? {
        guard t >= startNs + periodNs else { return nil }
        return (t - startNs) / periodNs
    }

    func completion(_ k: Int64) -> Int64 { startNs + k * periodNs }

    /// The first completion strictly after `t`.
    func next(after t: Int64) -> Int64 {
        let k = max(1, (t - startNs) / periodNs + 1)
        return completion(k)
    }
}
