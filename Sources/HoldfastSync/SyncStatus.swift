import HoldfastCore
import HoldfastJSON
import HoldfastPOSIX
import HoldfastSession

/// The sync's health, as `holdfast-sync --status` prints it and node_exporter
/// reads it: how far behind (records and seconds), the last error, the counts.
/// Written by the service to a JSON file and a Prometheus text file, each
/// replaced atomically, so a reader never sees half of one; the boards open
/// no network port of their own for it.
public struct SyncStatus: Sendable, Equatable {
    public var board: String
    /// When this status was written (seconds since 1970).
    public var updatedAt: Double
    public var databaseUp = false
    public var schemaVersion: Int?
    /// Complete records in the files not yet in the database; nil until the database has answered once since the start.
    public var lagRecords: Int?
    /// How long the sync has been behind: since the last moment every record then in the files was stored; 0 when caught up.
    public var lagSeconds: Double?
    public var lastSuccessAt: Double?
    public var caughtUpAt: Double?
    public var lastError: String?
    public var lastErrorAt: Double?
    public var counters = SyncCounters()

    public init(board: String, updatedAt: Double) {
        self.board = board
        self.updatedAt = updatedAt
    }

    /// The status file: one JSON object.
    public var json: [UInt8] {
        var line = JSONLine()
        line.field("board", board)
        line.field("updated_at", scaled: milliseconds(updatedAt), decimals: 3)
        line.field("database_up", databaseUp)
        if let schemaVersion { line.field("schema_version", schemaVersion) }
        if let lagRecords { line.field("lag_records", lagRecords) }
        if let lagSeconds { line.field("lag_s", scaled: milliseconds(lagSeconds), decimals: 3) }
        if let lastSuccessAt { line.field("last_success_at", scaled: milliseconds(lastSuccessAt), decimals: 3) }
        if let caughtUpAt { line.field("caught_up_at", scaled: milliseconds(caughtUpAt), decimals: 3) }
        if let lastError { line.field("last_error", lastError) }
        if let lastErrorAt { line.field("last_error_at", scaled: milliseconds(lastErrorAt), decimals: 3) }
        line.field("records_stored", counters.recordsStored)
        line.field("records_refused", counters.recordsRefused)
        line.field("transactions", counters.transactions)
        line.field("files", counters.files)
        line.field("files_refused", counters.filesRefused)
        return line.line()
    }

    private func milliseconds(_ s: Double) -> Int64 { Int64((s * 1000).rounded()) }

    /// Reads a status file back; nil if it is not one.
    public init?(json bytes: [UInt8]) {
        guard let o = JSON.object(from: bytes), let board = o["board"] as? String, let updated = o.number("updated_at") else {
            return nil
        }
        self.init(board: board, updatedAt: updated)
        databaseUp = o["database_up"] as? Bool ?? false
        schemaVersion = o["schema_version"] as? Int
        lagRecords = o["lag_records"] as? Int
        lagSeconds = o.number("lag_s")
        lastSuccessAt = o.number("last_success_at")
        caughtUpAt = o.number("caught_up_at")
        lastError = o["last_error"] as? String
        lastErrorAt = o.number("last_error_at")
        counters.recordsStored = o["records_stored"] as? Int ?? 0
        counters.recordsRefused = o["records_refused"] as? Int ?? 0
        counters.transactions = o["transactions"] as? Int ?? 0
        counters.files = o["files"] as? Int ?? 0
        counters.filesRefused = o["files_refused"] as? Int ?? 0
    }

    /// The text format node_exporter's textfile collector reads (version 0.0.4).
    public var prometheusText: String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: Double?) {
            out += "# HELP holdfast_sync_\(name) \(help)\n# TYPE holdfast_sync_\(name) \(type)\n"
            out += "holdfast_sync_\(name){board=\"\(board)\"} \(value.map { JSON.number($0) } ?? "NaN")\n"
        }
        metric("up", "gauge", "1 while the database answers.", databaseUp ? 1 : 0)
        metric("lag_records", "gauge", "Complete records in the session files not yet in the database (NaN: not known yet).",
               lagRecords.map(Double.init))
        metric("lag_seconds", "gauge", "Seconds since every record then in the files was in the database; 0 when caught up.",
               lagSeconds)
        metric("records_stored_total", "counter", "Records stored in the database.", Double(counters.recordsStored))
        metric("records_refused_total", "counter", "Records refused (by the database or as no record), skipped and listed.",
               Double(counters.recordsRefused))
        metric("transactions_total", "counter", "Transactions committed.", Double(counters.transactions))
        metric("files", "gauge", "Session files in the state directory.", Double(counters.files))
        metric("files_refused", "gauge", "Session files left alone (not a session file, replaced or truncated).",
               Double(counters.filesRefused))
        metric("last_success_timestamp_seconds", "gauge", "When a pass last reached the end of every file.", lastSuccessAt)
        metric("last_error_timestamp_seconds", "gauge", "When the last error happened (NaN: none).", lastErrorAt)
        return out
    }

    /// What `holdfast-sync --status` prints.
    public func text(now: Double) -> String {
        func ago(_ t: Double?) -> String {
            guard let t else { return "never" }
            return "\(DecimalText.fixed(max(0, now - t), decimals: 1)) s ago"
        }
        var lines = [
            "board \(board): database \(databaseUp ? "up" : "DOWN")"
                + (schemaVersion.map { ", schema version \($0)" } ?? "") + ", status written \(ago(updatedAt))",
            "lag: " + (lagRecords.map { "\($0) records, \(DecimalText.fixed(lagSeconds ?? 0, decimals: 1)) s behind" }
                       ?? "not known (the database has not answered since the sync started)"),
            "last success: \(ago(lastSuccessAt))",
            "records: \(counters.recordsStored) stored, \(counters.recordsRefused) refused; \(counters.transactions) transactions",
            "files: \(counters.files)" + (counters.filesRefused > 0 ? ", \(counters.filesRefused) left alone (see the log)" : ""),
        ]
        if let lastError { lines.append("last error (\(ago(lastErrorAt))): \(lastError)") }
        return lines.map { TerminalText.escaped($0, limit: 1000) }.joined(separator: "\n") + "\n"
    }

    /// Replaces the status file and the Prometheus file (if any), each atomically.
    public func write(statusFile: String, prometheusFile: String) throws(SystemError) {
        try writeFileAtomically(json, to: statusFile, mode: 0o644)
        if !prometheusFile.isEmpty { try writeFileAtomically(Array(prometheusText.utf8), to: prometheusFile, mode: 0o644) }
    }
}
