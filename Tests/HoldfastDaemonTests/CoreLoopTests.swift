import HoldfastCore
@testable import HoldfastDaemon
import HoldfastPOSIX
import Testing

/// The core loop driven sample by sample, as its thread would between two
/// batches: the over-pressure alarm's hysteresis and the tare.
@Suite("Core loop: alarm and tare")
struct CoreLoopTests {
    /// A core loop at 100 SPS on the standard scale (level 9 = 50 N, level 8.5 = 47 N),
    /// 100 counts a newton, fed one sample every 10 ms.
    final class Harness {
        static let rateHz = 100.0
        static let countsPerNewton = 100.0
        let loop: CoreLoop
        private(set) var timeNs: Int64 = 0
        /// Raw counts with no load: what a tare should find.
        var zeroCounts: Int32 = 0

        init(alarmLevel: Double = 9) throws {
            let calibration = try ForceCalibration(offset: 0, newtonsPerCount: 1 / Self.countsPerNewton)
            let chain = try SignalChain(SignalConfig(calibration: calibration, sampleRateHz: Self.rateHz))
            loop = CoreLoop(ring: try SPSCRing<Sample>(minimumCapacity: 16), chain: chain, alarmLevel: alarmLevel,
                            events: WakingQueue(eventFD: -1))
        }

        /// Applied force `newtons(t)` over `seconds` (t from 0), on top of the unloaded reading.
        func feed(seconds: Double, saturated: Bool = false, _ newtons: (Double) -> Double) {
            let count = Int(seconds * Self.rateHz)
            for i in 0..<count {
                let raw = zeroCounts + Int32((newtons(Double(i) / Self.rateHz) * Self.countsPerNewton).rounded())
                loop.process(Sample(timestampNs: timeNs, raw: raw, flags: saturated ? .saturated : []))
                timeNs += Int64(1e9 / Self.rateHz)
            }
        }

        func hold(_ newtons: Double, seconds: Double) { feed(seconds: seconds) { _ in newtons } }

        func ramp(from a: Double, to b: Double, seconds: Double) {
            feed(seconds: seconds) { t in a + (b - a) * t / seconds }
        }

        /// The filtered force the live view shows now.
        var liveForceN: Double { loop.live.snapshot.forceN }

        /// Alarm switchings since the last call: (on, filtered force in newtons).
        func alarms() -> [(on: Bool, forceN: Double)] {
            loop.events.drain().compactMap {
                if case .alarm(let on, _, let q) = $0 { (on, Q16.newtons(q)) } else { nil }
            }
        }

        /// Tare outcomes since the last call: the offset set, or the reason for refusing.
        func tares() -> [Result<Int32, Refusal>] {
            loop.events.drain().compactMap {
                switch $0 {
                case .tared(let offset, _): .success(offset)
                case .tareRefused(let why): .failure(Refusal(why: why))
                default: nil
                }
            }
        }

        struct Refusal: Error, Equatable { var why: String }
    }

    static let onN = PressureScale.standard.force(atLevel: 9) ?? .nan
    static let offN = PressureScale.standard.force(atLevel: PressureScale.overLevel) ?? .nan
    /// A 1 N/s ramp at 100 SPS moves the filtered force about 0.01 N a sample.
    static let stepN = 0.02

    @Test func theAlarmGoesOnAtTheAlarmLevelAndOffOnlyBelowLevel8Point5() throws {
        #expect(Self.onN == 50 && Self.offN == 47)
        let h = try Harness()
        h.ramp(from: 0, to: 40, seconds: 4)
        h.hold(40, seconds: 2)
        #expect(h.alarms().isEmpty)
        h.ramp(from: 40, to: 55, seconds: 15)  // 1 N/s
        let on = h.alarms()
        #expect(on.count == 1 && on.first?.on == true)
        #expect(on.first.map { $0.forceN >= Self.onN && $0.forceN < Self.onN + Self.stepN } == true, "\(on)")
        #expect(h.loop.live.snapshot.alarm)

        h.ramp(from: 55, to: 48, seconds: 7)  // below the alarm level, above level 8.5: still on
        #expect(h.alarms().isEmpty)
        #expect(h.loop.live.snapshot.alarm)
        h.ramp(from: 48, to: 40, seconds: 8)
        let off = h.alarms()
        #expect(off.count == 1 && off.first?.on == false)
        #expect(off.first.map { $0.forceN < Self.offN && $0.forceN > Self.offN - Self.stepN } == true, "\(off)")
        #expect(!h.loop.live.snapshot.alarm)
    }

    /// A hold wavering across the alarm level (48–52 N, 4 s a cycle, with 9 Hz tremor on top)
    /// is one episode: one alarm on, and one off when the force drops below level 8.5.
    @Test func crossingTheLevelBackAndForthIsOneEpisode() throws {
        let h = try Harness()
        h.ramp(from: 0, to: 50, seconds: 5)
        h.feed(seconds: 20) { t -> Double in
            let wave: Double = 2 * sin(2 * Double.pi * t / 4)
            let tremor: Double = 0.5 * sin(2 * Double.pi * 9 * t)
            return 50 + wave + tremor
        }
        #expect(h.liveForceN > 47)
        h.ramp(from: 50, to: 30, seconds: 4)
        h.hold(30, seconds: 2)
        #expect(h.alarms().map(\.on) == [true, false])
        // Back over the level: a new episode.
        h.ramp(from: 30, to: 53, seconds: 4)
        h.hold(53, seconds: 2)
        #expect(h.alarms().map(\.on) == [true])
    }

    /// An alarm level below 8.5 has no band: off as soon as the force is below the alarm level again.
    @Test func anAlarmLevelBelow8Point5EndsBelowItself() throws {
        let h = try Harness(alarmLevel: 8)  // 44 N
        h.ramp(from: 0, to: 46, seconds: 6)
        h.hold(46, seconds: 2)
        h.ramp(from: 46, to: 43, seconds: 6)
        let switched = h.alarms()
        #expect(switched.map(\.on) == [true, false])
        #expect(switched.last.map { $0.forceN < 44 && $0.forceN > 44 - Self.stepN } == true, "\(switched)")
    }

    @Test func aTareWhileIdleSetsTheZero() throws {
        let h = try Harness()
        h.zeroCounts = 237  // the unloaded sensor reads 2.37 N: idle (below the 5 N start)
        h.hold(0, seconds: 2)
        #expect(abs(h.liveForceN - 2.37) < 0.01)
        h.loop.apply([.tare])
        h.hold(0, seconds: 0.4)
        #expect(h.tares().isEmpty)  // half a second of samples first
        h.hold(0, seconds: 0.2)
        #expect(h.tares() == [.success(237)])
        h.hold(0, seconds: 2)
        #expect(abs(h.liveForceN) < 0.01)
        h.ramp(from: 0, to: 30, seconds: 2)
        h.hold(30, seconds: 2)
        #expect(abs(h.liveForceN - 30) < 0.01)
    }

    /// The zero is the mean of the samples taken, rounded: noise does not bias it.
    @Test func theTareAveragesItsSamples() throws {
        let h = try Harness()
        h.zeroCounts = -1000
        h.loop.apply([.tare])
        var k = 0
        h.feed(seconds: 1) { _ in k += 1; return k % 4 == 0 ? 0.03 : -0.01 }  // raw −1001, −1001, −1001, −997, …
        #expect(h.tares() == [.success(-1000)])
    }

    /// A negative zero (a bridge offset below zero) rounds like a positive one.
    @Test func aNegativeZeroIsTaredExactly() throws {
        let h = try Harness()
        h.zeroCounts = -1000
        h.loop.apply([.tare])
        h.hold(0, seconds: 1)
        #expect(h.tares() == [.success(-1000)])
    }

    @Test func aTareWhilePressedIsRefusedWithTheReason() throws {
        let h = try Harness()
        h.zeroCounts = 150
        h.ramp(from: 0, to: 30, seconds: 1)
        h.hold(30, seconds: 1)
        #expect(h.loop.live.snapshot.stage != .idle)
        h.loop.apply([.tare])
        #expect(h.tares() == [.failure(.init(why: "the sensor is being pressed; release it and tare again"))])
        h.hold(30, seconds: 1)
        #expect(h.tares().isEmpty)
        #expect(abs(h.liveForceN - 31.5) < 0.01)  // the zero is unchanged
    }

    @Test func aTareDuringWhichTheLoadChangesIsRefused() throws {
        let h = try Harness()
        h.zeroCounts = 150
        h.hold(0, seconds: 1)
        h.loop.apply([.tare])
        h.hold(0, seconds: 0.1)
        h.ramp(from: 0, to: 20, seconds: 0.2)  // pressed before the half second is over
        h.hold(20, seconds: 1)
        let refused = Harness.Refusal(why: "the load changed during the tare; keep the sensor free and tare again")
        #expect(h.tares() == [.failure(refused)])
        #expect(abs(h.liveForceN - 21.5) < 0.01)  // the zero is unchanged
    }

    @Test func aSaturatedSampleDuringATareRefusesIt() throws {
        let h = try Harness()
        h.hold(0, seconds: 1)
        h.loop.apply([.tare])
        h.hold(0, seconds: 0.2)
        h.feed(seconds: 0.01, saturated: true) { _ in 0 }
        h.hold(0, seconds: 1)
        let refused = Harness.Refusal(why: "the load changed during the tare; keep the sensor free and tare again")
        #expect(h.tares() == [.failure(refused)])
    }
}
