import HoldfastCore
import Testing

@Suite("Per-point table")
struct PointTableTests {
    @Test func rowsKeepTheOrderOfFirstHoldsAndWeightLevelsByTime() throws {
        var table = PointTable()
        table.add(point: "upper trapezius L", holdNs: 90_000_000_000, meanLevel: 6, peakLevel: 7, targetNs: 80_000_000_000, overNs: 0)
        table.add(point: nil, holdNs: 10_000_000_000, meanLevel: 3, peakLevel: 4, targetNs: 0, overNs: 0)
        table.add(point: "upper trapezius L", holdNs: 30_000_000_000, meanLevel: 8, peakLevel: 9.5,
                  targetNs: 5_000_000_000, overNs: 4_000_000_000)
        #expect(table.rows.map(\.point) == ["upper trapezius L", nil])
        let row = try #require(table["upper trapezius L"])
        #expect(row.holds == 2 && row.holdNs == 120_000_000_000)
        let weighted: Double = (6 * 90 + 8 * 30) / 120
        #expect(row.meanLevel == weighted)  // 6.5: the long hold counts three times
        #expect(row.peakLevel == 9.5 && row.targetS == 85 && row.overS == 4)
        #expect(table[nil]?.holds == 1)
        #expect(table["masseter R"] == nil)
    }

    @Test func secondsFromFilesAndMessagesAddUpLikeNanoseconds() throws {
        var fromSeconds = PointTable(), fromNanoseconds = PointTable()
        for (hold, level) in [(30.001, 6.25), (12.5, 7.0), (0.003, 2.0)] {
            try fromSeconds.add(point: "A", holdS: hold, meanLevel: level, peakLevel: level, targetS: hold / 2, overS: 0)
            fromNanoseconds.add(point: "A", holdNs: Int64((hold * 1e9).rounded()), meanLevel: level, peakLevel: level,
                                targetNs: Int64((hold / 2 * 1e9).rounded()), overNs: 0)
        }
        #expect(fromSeconds == fromNanoseconds)
        #expect(fromSeconds["A"]?.holdNs == 42_504_000_000)
    }

    /// A session file or message can say anything: 1e10 s once trapped converting to nanoseconds.
    @Test(arguments: [Double.nan, 1e10, 1e308, -1e308, -1, .infinity])
    func impossibleTimesAreErrorsNotTraps(seconds: Double) {
        var table = PointTable()
        do {
            try table.add(point: "B", holdS: seconds, meanLevel: 5, peakLevel: 5, targetS: 0, overS: 0)
            Issue.record("accepted \(seconds)")
        } catch {
            #expect(error.description == "hold_s \(seconds) is out of range (0 ... 1e9 s)")
        }
        #expect(throws: PointTableError.self) {
            try table.add(point: "B", holdS: 1, meanLevel: 5, peakLevel: 5, targetS: 0, overS: seconds)
        }
        #expect(throws: PointTableError.outOfRange(field: "peak_level", value: 1e308, range: "0 ... 10")) {
            try table.add(point: "B", holdS: 1, meanLevel: 5, peakLevel: 1e308, targetS: 0, overS: 0)
        }
        #expect(table.isEmpty)
    }

    @Test func sumsSaturateInsteadOfTrapping() throws {
        var table = PointTable()
        for _ in 0..<10 {
            try table.add(point: "A", holdS: PointTable.maxSeconds, meanLevel: 5, peakLevel: 5, targetS: PointTable.maxSeconds, overS: 0)
        }
        table.add(point: "A", holdNs: .max, meanLevel: 5, peakLevel: 5, targetNs: .max, overNs: 0)
        #expect(table["A"]?.holdNs == .max && table["A"]?.targetNs == .max && table["A"]?.holds == 11)
    }
}
