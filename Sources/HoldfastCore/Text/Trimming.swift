extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns: what hand-edited
    /// files and typed input add (Foundation's trimmingCharacters(in:), without Foundation).
    public var trimmingCharacters: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return s
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns (see `Substring.trimmingCharacters`).
    public var trimmingCharacters: String { String(self[...].trimmingCharacters) }
}
