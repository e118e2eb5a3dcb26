import ArgumentParser
import FoundationEssentials
import HoldfastCore
import HoldfastPOSIX
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
                throw CommandFailure("\(TerminalText.escaped(dir, limit: 200)): cannot list the directory")
            }
            for name in names.filter({ $0.hasSuffix(".jsonl") }).sorted() {
                let shown = TerminalText.escaped(name, limit: 200)
                // A FIFO or device named *.jsonl would block or never end: only regular files are read.
                guard isRegularFile(dir + "/" + name) else {
                    print("\(shown)  skipped: not a regular file")
                    continue
                }
                do {
                    let s = try SessionFile(path: dir + "/" + name)
                    let state = s.complete ? "complete" : s.tornLastLine ? "interrupted (torn last line)" : "interrupted"
                    print("\(shown)  \(text(s.started))  \(text(s.client))  \(s.holdCount) holds  \(state)")
                } catch {
                    print("\(shown)  unreadable: \(TerminalText.escaped(error.reason, limit: 400))")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session's holds and per-point table.")

        @Argument(help: "The session file.")
        var file: String

        /// Streams the file: each hold is printed as it is read, the totals come at the end.
        func run() throws {
            print("Session \(TerminalText.escaped(file, limit: 200))")
            let holdWidths = [3, -22, 8, 7, 7, 7, 8, 8, 8, 7]
            var n = 0
            let s: SessionFile
            do {
                s = try SessionFile(path: file, onHeader: { s in
                    print("started \(text(s.started)), client \(text(s.client)), source \(text(s.source))\n")
                    print(row(["#", "point", "start s", "hold s", "mean N", "peak N", "mean lvl", "peak lvl", "target s", "over s"],
                              holdWidths))
                }) { h in
                    n += 1
                    print(row(["\(n)", text(h.point), f(h.startS), f(h.holdS), f(h.meanN), f(h.peakN), f(h.meanLevel),
                               f(h.peakLevel), f(h.targetS), f(h.overS) + (h.open == true ? " (open)" : "")], holdWidths))
                }
            } catch {
                throw CommandFailure(error.description)
            }
            print("\nPer point")
            let pointWidths = [-22, 6, 8, 8, 8, 8, 7]
            print(row(["point", "holds", "total s", "mean lvl", "peak lvl", "target s", "over s"], pointWidths))
            for p in s.points.rows {
                print(row([text(p.point), "\(p.holds)", f(p.holdS), f(p.meanLevel), f(p.peakLevel), f(p.targetS), f(p.overS)],
                          pointWidths))
            }
            if s.alarms > 0 { print("\n\(s.alarms) over-pressure alarm\(s.alarms == 1 ? "" : "s")") }
            if let longest = s.longestGap {
                print("\nthe sensor was silent \(s.gapCount) time\(s.gapCount == 1 ? "" : "s"), longest "
                      + "\(DecimalText.fixed(longest.missingS, decimals: 3)) s before \(f(longest.atS)) s")
            }
            if s.tornLastLine { print("\nnote: the last line was cut short (the daemon stopped while writing it); it is ignored") }
            if !s.complete { print("note: no summary: the session did not end cleanly; every completed hold is shown") }
        }

        func f(_ v: Double) -> String { DecimalText.fixed(v, decimals: 1) }

        func row(_ cells: [String], _ widths: [Int]) -> String { TextTable.row(cells, widths) }
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

        /// Streams the file: one row per hold as it is read.
        func run() throws {
            print(SessionFile.csvHeader, terminator: "")
            var n = 0
            do {
                _ = try SessionFile(path: file, onHold: { h in
                    n += 1
                    print(SessionFile.csvRow(n, h), terminator: "")
                })
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }
}

/// Text from a session file, safe on a terminal (escaped, cut to a sane length); "-" when absent.
private func text(_ value: String?) -> String {
    value.map { TerminalText.escaped($0, limit: 80) } ?? "-"
}
