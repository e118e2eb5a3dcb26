/// A client's pseudonym (never a name): letters, digits, `-` and `_`, 1 to 32
/// bytes, so that it can be part of a session file's name without leaving the
/// state directory or carrying anything a terminal would act on. One rule for
/// the configuration, the control protocol and the file names.
public enum ClientPseudonym {
    /// A pseudonym that cannot be used, with the reason.
    public struct Invalid: Error, Equatable {
        public let reason: String
    }

    public static func validated(_ raw: String) throws(Invalid) -> String {
        let ok = !raw.isEmpty && raw.utf8.count <= 32 && raw.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard ok else {
            throw Invalid(reason: "client pseudonym \"\(TerminalText.escaped(String(raw.prefix(40)), limit: 60))\" "
                          + "may contain only letters, digits, - and _ (1 to 32)")
        }
        return raw
    }
}
