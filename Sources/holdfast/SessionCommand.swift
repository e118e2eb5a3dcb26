import ArgumentParser
import FoundationEssentials
import HoldfastCore
import HoldfastReplay
import HoldfastSession

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "List, show and export recorded sessions.",
        subcommands: [List.self, Show.self, Export.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the session files in the state directory.")

        @Option(help: "The state directory.")
        var dir = "/var/lib/holdfast/sessions"

        func run() throws {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
                throw CommandFailure("\(dir): cannot list the directory")
            }
            for name in names.filter({ $0.hasSuffix(".jsonl") }).sorted() {
                do {
                    let s = try SessionFile(path: dir + "/" + name)
                    let state = s.complete ? "complete" : s.tornLastLine ? "interrupted (torn last line)" : "interrupted"
                    print("\(name)  \(s.started ?? "-")  \(s.client ?? "-")  \(s.holds.count) holds  \(state)")
                } catch {
                    print("\(name)  unreadable: \(error.reason)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session's holds and per-point table.")

        @Argument(help: "The session file.")
        var file: String

        func run() throws {
            let s: SessionFile
            do { s = try SessionFile(path: file) } catch { throw CommandFailure(error.description) }
            print("Session \(file)")
            print("started \(s.started ?? "-"), client \(s.client ?? "-"), source \(s.source ?? "-")")
            if s.tornLastLine { print("note: the last line was cut short (the daemon stopped while writing it); it is ignored") }
            if !s.complete { print("note: no summary: the session did not end cleanly; every completed hold is shown") }
            print("")
            let holdWidths = [3, -22, 8, 7, 7, 7, 8, 8, 8, 7]
            print(row(["#", "point", "start s", "hold s", "mean N", "peak N", "mean lvl", "peak lvl", "target s", "over s"], holdWidths))
            for (i, h) in s.holds.enumerated() {
                print(row(["\(i + 1)", h.point ?? "-", f(h.startS), f(h.holdS), f(h.meanN), f(h.peakN), f(h.meanLevel),
                           f(h.peakLevel), f(h.targetS), f(h.overS) + (h.open ? " (open)" : "")], holdWidths))
            }
            print("\nPer point")
            let pointWidths = [-22, 6, 8, 8, 8, 8, 7]
            print(row(["point", "holds", "total s", "mean lvl", "peak lvl", "target s", "over s"], pointWidths))
            for p in s.points.rows {
                print(row([p.point ?? "-", "\(p.holds)", f(p.holdS), f(p.meanLevel), f(p.peakLevel), f(p.targetS), f(p.overS)],
                          pointWidths))
            }
            if s.alarms > 0 { print("\n\(s.alarms) over-pressure alarm\(s.alarms == 1 ? "" : "s")") }
            if let longest = s.gaps.max(by: { $0.missingS < $1.missingS }) {
                print("\nthe sensor was silent \(s.gaps.count) time\(s.gaps.count == 1 ? "" : "s"), longest "
                      + "\(DecimalText.fixed(longest.missingS, decimals: 3)) s before \(f(longest.atS)) s")
            }
        }

        func f(_ v: Double) -> String { DecimalText.fixed(v, decimals: 1) }

        func row(_ cells: [String], _ widths: [Int]) -> String {
            String(SummaryReport.row(cells, widths).dropLast())  // print() adds the newline
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a session's holds as CSV (to standard output).")

        @Flag(help: "CSV (the only format for now).")
        var csv = false

        @Argument(help: "The session file.")
        var file: String

        func validate() throws {
            guard csv else { throw ValidationError("choose a format: --csv") }
        }

        func run() throws {
            do { print(try SessionFile(path: file).csv, terminator: "") } catch { throw CommandFailure(error.description) }
        }
    }
}
