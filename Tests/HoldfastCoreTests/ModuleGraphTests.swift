import Foundation
import Testing

/// The module graph drawn in Package.swift's comment (and README.md) is the
/// one the package declares and the one the sources import: a module depends
/// only on modules in lower layers, and imports only what it declares.
@Suite("Module graph")
struct ModuleGraphTests {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// Targets and their declared dependencies (Holdfast and C modules), from Package.swift.
    static func declared() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: root + "/Package.swift", encoding: .utf8)
        var result: [String: Set<String>] = [:]
        let target = try NSRegularExpression(pattern: #"\.(?:executableT|t)arget\(\s*name:\s*"([^"]+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?"#)
        for match in target.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let name = String(text[Range(match.range(at: 1), in: text)!])
            let deps = match.range(at: 2).location == NSNotFound ? "" : String(text[Range(match.range(at: 2), in: text)!])
            result[name] = Set(deps.split(separator: ",").compactMap { item -> String? in
                let quoted = item.split(separator: "\"", omittingEmptySubsequences: false)
                return quoted.count >= 2 && !item.contains(".product") ? String(quoted[1]) : nil
            })
        }
        return result
    }

    /// The layer of each module, from the comment's table.
    static func layers() throws -> [String: Int] {
        let text = try String(contentsOfFile: root + "/Package.swift", encoding: .utf8)
        var layers: [String: Int] = [:]
        var layer = -1
        for line in text.split(separator: "\n") where line.hasPrefix("//") {
            let words = line.dropFirst(2).split(separator: " ")
            if let first = words.first, let n = Int(first) { layer = n }
            guard layer >= 0, line.contains("Holdfast") || line.contains("holdfast ") else { continue }
            // The modules named on the line, before any arrow: the line's own modules.
            let own = line.components(separatedBy: "─►").first ?? ""
            for word in own.split(separator: " ") where word.hasPrefix("Holdfast") || word == "holdfast" {
                layers[String(word)] = layers[String(word)] ?? layer
            }
            if line.contains("HoldfastCore") && layer == 0 { layers["HoldfastCore"] = 0 }
        }
        return layers
    }

    @Test func everyArrowPointsDown() throws {
        let deps = try Self.declared()
        let layers = try Self.layers()
        for (target, targetDeps) in deps where target.hasPrefix("Holdfast") || target == "holdfast" {
            guard !target.hasSuffix("Support"), let mine = layers[target] else {
                #expect(target.hasSuffix("Support"), "\(target) is not in Package.swift's layer table")
                continue
            }
            for dep in targetDeps where dep.hasPrefix("Holdfast") {
                let theirs = try #require(layers[dep], "\(dep) is not in the layer table")
                #expect(theirs < mine, "\(target) (layer \(mine)) depends on \(dep) (layer \(theirs))")
            }
        }
    }

    /// SwiftPM lets a file import a module its target does not declare, if it was built anyway:
    /// an arrow nobody drew. Every Holdfast or C module a source file imports is declared.
    @Test func sourcesImportOnlyWhatTheirTargetDeclares() throws {
        let deps = try Self.declared()
        let sources = Self.root + "/Sources"
        let files = FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 50)
        for file in files {
            let target = String(file.split(separator: "/")[0])
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                let module = String(line.split(separator: " ").last ?? "")
                guard module.hasPrefix("Holdfast") || ["CI2C", "CGPIOD", "CLinux"].contains(module) else { continue }
                #expect(deps[target]?.contains(module) == true, "Sources/\(file) imports \(module), which \(target) does not declare")
            }
        }
    }

    @Test func theDaemonNeverImportsTheEmulation() throws {
        #expect(try Self.declared()["HoldfastDaemon"]?.contains("HoldfastEmulation") == false)
    }
}
