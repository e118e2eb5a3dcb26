import HoldfastReplay

/// Paths of the repository's own files, found from this source file.
enum RepositoryPaths {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/HoldfastReplayTests/RepositoryPaths.swift
        return parts.joined(separator: "/")
    }()
    static let scenarios = root + "/Simulator/scenarios"
    static let golden = root + "/Simulator/golden"

    /// Every bundled scenario's name, sorted.
    static func scenarioNames() -> [String] {
        guard let dir = opendir(scenarios) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".scenario") { names.append(String(name.dropLast(".scenario".count))) }
        }
        return names.sorted()
    }
}

#if canImport(Glibc)
import Glibc
#endif
