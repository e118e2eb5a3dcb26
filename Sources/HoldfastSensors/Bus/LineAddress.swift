/// A GPIO line as the configuration names it: `CHIP:OFFSET`, where CHIP is a
/// gpiochip's label (`pinctrl-bcm2711`, which survives renumbering) or its
/// path or name (`/dev/gpiochip0`, `gpiochip0`). One parser for the data-ready
/// line, the alarm output and every command that takes them.
public struct LineAddress: Sendable, Equatable, CustomStringConvertible {
    public var chip: String
    public var offset: UInt32

    public init(chip: String, offset: UInt32) {
        self.chip = chip
        self.offset = offset
    }

    /// Parses `CHIP:OFFSET`; nil if it is not of that form.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
              let offset = UInt32(text[text.index(after: colon)...]) else { return nil }
        chip = String(text[..<colon])
        self.offset = offset
    }

    public var description: String { "\(chip):\(offset)" }
}
