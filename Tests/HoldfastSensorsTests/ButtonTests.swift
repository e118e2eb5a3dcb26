import HoldfastEmulation
import HoldfastSensors
import Testing

/// The client's button: a bouncing contact on the emulated line is one press per push.
@Suite("Signal button")
struct ButtonTests {
    @Test func oneSignalPerPressThroughTheBounces() throws {
        let clock = VirtualClock(startNs: 0)
        let line = EmulatedButtonLine(clock: clock)
        let presses: [Int64] = [1_000_000_000, 1_300_000_000, 5_000_000_000]
        for t in presses { line.press(atNs: t) }
        var debouncer = ButtonDebouncer(activeLow: true, debounceNs: 30_000_000)
        var signals: [Int64] = []
        var edges = 0
        while clock.nowNs() < 6_000_000_000 {
            if case .edge(let t, let rising) = try line.waitForChange(timeoutNs: 200_000_000) {
                edges += 1
                if debouncer.edge(atNs: t, rising: rising) { signals.append(t) }
            }
        }
        #expect(edges == 18)  // six per press: three closing, three opening
        #expect(signals == presses)
    }

    @Test func polarityAndDebounce() {
        // Active high: a rise is a press; a second rise 5 ms after a fall is the contact bouncing.
        var d = ButtonDebouncer(activeLow: false, debounceNs: 20_000_000)
        let high = [(0, true), (100, false), (105, true), (106, false), (500, true)].map { ms, rising in
            d.edge(atNs: Int64(ms) * 1_000_000, rising: rising)
        }
        #expect(high == [true, false, false, false, true])
        // Wired the other way round, the same first edges are a release and a press.
        var low = ButtonDebouncer(activeLow: true, debounceNs: 20_000_000)
        let lows = [(0, true), (100, false)].map { ms, rising in low.edge(atNs: Int64(ms) * 1_000_000, rising: rising) }
        #expect(lows == [false, true])
    }
}
