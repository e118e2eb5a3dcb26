import ArgumentParser

/// The `holdfast` command: argument parsing and wiring only; the work lives in the library modules.
@main
struct Holdfast: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast",
        abstract: "Pressure and hold-time monitor for neuromuscular therapy.",
        subcommands: [ReplayCommand.self, SimulateCommand.self, DemoCommand.self, CalibrateCommand.self, CheckCommand.self, DaemonCommand.self, SessionCommand.self, WatchCommand.self, SendCommand.self, FeedCommand.self, ReportCommand.self, SyncCommand.self])
}
