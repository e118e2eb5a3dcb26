import HoldfastCore
import Testing

@Suite("Pressure scale")
struct PressureScaleTests {
    @Test func interpolatesAndClamps() throws {
        let s = try PressureScale(parsing: "10=2, 30=6,50=10")
        #expect(s.level(atForce: 20) == 4)
        #expect(s.level(atForce: 35) == 7)
        #expect(s.level(atForce: 0) == 2)
        #expect(s.level(atForce: 80) == 10)
        #expect(s.force(atLevel: 7) == 35)
        #expect(s.force(atLevel: 1) == 0)
        #expect(s.force(atLevel: 10.5) == nil)
    }

    @Test func standardScaleParsesFromItsText() throws {
        #expect(try PressureScale(parsing: PressureScale.standardText) == PressureScale.standard)
        #expect(PressureScale.standard.text == PressureScale.standardText)
    }

    @Test func zoneThresholdsFollowTheLevels() throws {
        let s = try PressureScale(parsing: "0=0,100=10")
        let z = s.zoneThresholds
        #expect(z.targetLow == Q16.fromNewtons(55))
        #expect(z.targetHigh == Q16.fromNewtons(75))
        #expect(z.over == Q16.fromNewtons(85))
        // A scale that never reaches 8.5 has no over-pressure force.
        #expect(try PressureScale(parsing: "0=0,10=7").zoneThresholds.over == .max)
    }

    @Test func rejectsBadScalesNamingThePoint() {
        #expect(throws: ScaleError.tooFewPoints(1)) { try PressureScale(parsing: "3=1") }
        #expect(throws: ScaleError.malformedPoint(index: 1, "8:2")) { try PressureScale(parsing: "3=1,8:2") }
        #expect(throws: ScaleError.notIncreasing(index: 1)) { try PressureScale(parsing: "8=1,3=2") }
        #expect(throws: ScaleError.notIncreasing(index: 1)) { try PressureScale(parsing: "3=2,8=2") }
        #expect(throws: ScaleError.levelOutOfRange(index: 1, 11)) { try PressureScale(parsing: "3=1,8=11") }
        #expect(throws: ScaleError.forceOutOfRange(index: 0, -1)) { try PressureScale(parsing: "-1=1,8=2") }
        #expect(throws: ScaleError.malformedPoint(index: 0, "")) { try PressureScale(parsing: "") }
    }
}
