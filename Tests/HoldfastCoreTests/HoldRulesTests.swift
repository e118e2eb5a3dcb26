import HoldfastCore
import Testing

@Suite("Hold rules")
struct HoldRulesTests {
    static let sensitive = try! PressureScale(parsing: "0.5=1,1=2,1.5=3,2=4,2.5=5,3=6,3.5=7,4=8,4.5=9,5=10")

    @Test func theStandardScaleKeepsFiveAndThreeNewtons() {
        let t = HoldRules.standard.thresholds(for: .standard)
        #expect(t.startN == 5)
        #expect(t.endN == 3)
    }

    @Test func firmerScalesAreCappedAtFiveAndThree() throws {
        let firm = try PressureScale(parsing: "20=1,40=3,100=10")
        let t = HoldRules.standard.thresholds(for: firm)
        #expect(t.startN == 5)
        #expect(t.endN == 3)
    }

    @Test func aSensitiveScaleMovesThemDown() throws {
        let t = HoldRules.standard.thresholds(for: Self.sensitive)
        #expect(abs(t.startN - 0.7) < 1e-12)   // level 1.4
        #expect(abs(t.endN - 0.5) < 1e-12)     // level 1.0
        #expect(t.warning(for: Self.sensitive) == nil)
    }

    @Test func aScaleStartingAboveLevelOneIsReadFromZero() throws {
        // Level 1 is reached on the line from (0 N, 0) to (2 N, 2): 1 N; level 1.4 at 1.4 N.
        let scale = try PressureScale(parsing: "2=2,10=10")
        let t = HoldRules.standard.thresholds(for: scale)
        #expect(abs(t.startN - 1.4) < 1e-12)
        #expect(abs(t.endN - 1) < 1e-12)
    }

    @Test func explicitValuesWinAndKeepTheirRatio() {
        var rules = HoldRules.standard
        rules.startN = 2
        #expect(rules.thresholds(for: .standard).endN == 1.2)        // 3 N would not be below 2 N
        #expect(rules.thresholds(for: Self.sensitive).endN == 0.5)   // the scale's end is below 2 N
        rules = HoldRules(endN: 4)
        #expect(rules.thresholds(for: .standard).startN == 5)
        rules = HoldRules(endN: 6)
        #expect(abs(rules.thresholds(for: .standard).startN - 10) < 1e-12)
    }

    @Test func aTargetZoneNearTheStartForceIsWarnedOf() {
        let fixed = HoldRules(startN: 5, endN: 3).thresholds(for: Self.sensitive)
        let warning = fixed.warning(for: Self.sensitive)
        #expect(warning?.contains("target zone starts at 2.75 N, below the hold start force 5.00 N") == true)
        // Within 1 N above the start force.
        let near = HoldRules(startN: 2, endN: 1).thresholds(for: Self.sensitive)
        #expect(near.warning(for: Self.sensitive)?.contains("within 1.00 N of the hold start force 2.00 N") == true)
        #expect(HoldRules.standard.thresholds(for: .standard).warning(for: .standard) == nil)
    }

    @Test func inconsistentRulesAreRefused() {
        #expect(throws: ThresholdError.endNotBelowStart(endN: 5, startN: 3)) { try HoldRules(startN: 3, endN: 5).validated() }
        #expect(throws: ThresholdError.self) { try HoldRules(maxDipS: 2, maxRegripS: 1).validated() }
    }
}

@Suite("Idle baseline")
struct IdleBaselineTests {
    @Test func aWanderingZeroIsReportedAndAZeroedOneIsNot() {
        var zeroed = IdleBaseline(sampleRateHz: 100)
        var drifting = IdleBaseline(sampleRateHz: 100)
        for i in 0..<6000 {
            let t = Int64(i) * 10_000_000
            let idle = i < 2000 || i > 3000
            zeroed.step(Q16.fromNewtons(idle ? 0.01 : 30)!, atNs: t, idle: idle)
            drifting.step(Q16.fromNewtons(idle ? Double(i) / 6000 : 30)!, atNs: t, idle: idle)
        }
        #expect(zeroed.warning(endN: 3) == nil)
        let warning = drifting.warning(endN: 3)
        #expect(warning?.contains("--zero-tracking") == true)
        #expect(drifting.blocks > 40)
    }

    @Test func theSecondAfterAContactIsNotCounted() {
        var b = IdleBaseline(sampleRateHz: 100)
        // A release tail at 2 N for 0.9 s after a contact: within the settling second, so not a baseline.
        for i in 0..<10 { b.step(Q16.fromNewtons(30)!, atNs: Int64(i) * 10_000_000, idle: false) }
        for i in 10..<100 { b.step(Q16.fromNewtons(2)!, atNs: Int64(i) * 10_000_000, idle: true) }
        for i in 100..<1000 { b.step(0, atNs: Int64(i) * 10_000_000, idle: true) }
        #expect(b.range?.highest == 0)
    }
}
