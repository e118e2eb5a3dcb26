import ArgumentParser
import FoundationEssentials
import HoldfastPOSIX

/// `holdfast sync …` is `holdfast-sync …`. The sync is a program of its own: it
/// links postgres-nio, which Debian's Swift 6.0 cannot build and the daemon's
/// memory budget could not carry; this gives it the name the other commands share.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run holdfast-sync, the clinic database sync (holdfast sync --status; holdfast sync --help).",
        discussion: "Every argument goes to holdfast-sync: the one beside this holdfast, or /usr/local/bin/holdfast-sync "
            + "(HOLDFAST_SYNC_EXECUTABLE names another). Install it with scripts/install --sync; see docs/sync.md.")

    @Argument(parsing: .captureForPassthrough, help: "Arguments for holdfast-sync.")
    var arguments: [String] = []

    func run() throws {
        let path = SyncExecutable.path()
        var argv = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        let reason = SystemError.describe(errno)
        throw CommandFailure("holdfast sync: cannot run \(path): \(reason) (install it with scripts/install --sync; docs/sync.md)")
    }
}

/// Where holdfast-sync is: named by HOLDFAST_SYNC_EXECUTABLE, else beside this
/// holdfast (an install puts both in one directory), else the install's default.
enum SyncExecutable {
    static let installed = "/usr/local/bin/holdfast-sync"

    static func path() -> String {
        if let named = ProcessInfo.processInfo.environment["HOLDFAST_SYNC_EXECUTABLE"], !named.isEmpty { return named }
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
           let slash = me.lastIndex(of: "/") {
            let beside = String(me[..<slash]) + "/holdfast-sync"
            if access(beside, X_OK) == 0 { return beside }
        }
        return installed
    }
}
