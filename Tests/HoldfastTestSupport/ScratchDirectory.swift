import Foundation
import HoldfastPOSIX

/// Scratch files for a test, removed when it ends.
public final class ScratchDirectory {
    public let path: String
    public init() throws {
        path = try makeTemporaryDirectory()
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// Reads a JSON Lines file into dictionaries.
public func readJSONLines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}

public func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
