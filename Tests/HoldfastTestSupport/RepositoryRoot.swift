/// The repository's root, for tests that read its shipped files (scenarios, goldens): this file
/// is Tests/HoldfastTestSupport/RepositoryRoot.swift.
public let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()
