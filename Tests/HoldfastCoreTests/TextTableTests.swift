import HoldfastCore
import Testing

@Suite("Text tables")
struct TextTableTests {
    @Test func numbersRightLabelsLeftOneSpaceApart() {
        #expect(TextTable.row(["neck L", "3", "12.5"], [-8, 3, 6]) == "neck L     3   12.5")
    }

    @Test func longCellsPushOnOrAreCut() {
        #expect(TextTable.row(["temporalis R", "7"], [-6, 2]) == "temporalis R  7")
        #expect(TextTable.row(["temporalis R", "7"], [-6, 2], cut: true) == "tempor  7")
    }

    @Test func emptyCellsKeepTheirColumns() {
        // A zero-width first column still has its separator after it.
        #expect(TextTable.row(["", "", "x"], [0, 2, 1]) == "    x")
    }
}
