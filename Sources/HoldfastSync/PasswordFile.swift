import HoldfastCore
import HoldfastPOSIX

/// The database password: from a systemd credential (`LoadCredential=`, which
/// systemd hands the service as a file only it can read, under
/// `$CREDENTIALS_DIRECTORY`) or from a file readable by its owner alone.
///
/// Never from argv (any user sees it in `ps`), the environment (inherited by
/// children, readable through /proc by the same user, kept in crash reports) or
/// the configuration file (world-readable). A file that group or others may
/// read or write is refused, as ssh refuses a private key left open: the
/// password has then been exposed, and the error says how to close it.
public enum PasswordFile {
    /// The credential's name in the unit (`LoadCredential=holdfast-sync.password:…`).
    public static let credentialName = "holdfast-sync.password"

    public struct Refused: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { TerminalText.escaped("\(path): \(reason)", limit: 400) }
    }

    /// Which file holds the password: `password_file` if set, else the systemd
    /// credential if the service has one, else none (peer authentication over a Unix socket).
    public static func path(configured: String?, credentialsDirectory: String?) -> String? {
        if let configured { return configured }
        guard let dir = credentialsDirectory, !dir.isEmpty else { return nil }
        let candidate = dir + "/" + credentialName
        return isRegularFile(candidate) ? candidate : nil
    }

    /// The password in `path`: its first line, without the line ending.
    public static func password(in path: String) throws(Refused) -> String {
        let fd: Int32
        do { fd = try openRegularFileForReading(path: path) } catch { throw Refused(path: path, reason: error.reason) }
        defer { closeDescriptor(fd) }
        let info: stat
        switch fileStatus(descriptor: fd) {
        case .success(let found): info = found
        case .failure(let e): throw Refused(path: path, reason: e.description)
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw Refused(path: path, reason: "mode \(String(mode, radix: 8)) lets others read or change the password: "
                          + "chmod 600 it (and change the password, which others could read)")
        }
        var bytes = [UInt8](repeating: 0, count: 4097)
        let n: Int
        do { n = try retryingOnInterrupt("read", path) { bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } } }
        catch { throw Refused(path: path, reason: error.reason) }
        guard n <= 4096 else { throw Refused(path: path, reason: "longer than 4096 bytes: not a password") }
        var line = bytes[..<n].prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        guard !line.isEmpty, let password = String(validating: line, as: UTF8.self) else {
            throw Refused(path: path, reason: line.isEmpty ? "empty" : "not UTF-8 text")
        }
        return password
    }
}
