/// One step of the database schema: applied once, in order, in the same
/// transaction as its row in `holdfast_schema`, by whichever sync reaches the
/// database first (the others wait on an advisory lock, then find it done).
/// Kept as Swift strings, one statement each, rather than resource files: the
/// static binary then carries them without a bundle to find at run time.
public struct SyncMigration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]
}

/// The schema's versions. A new record type gets its typed table in a new
/// migration, which fills it from the raw records already stored: nothing a
/// board sent before the sync knew the type is lost or needs sending again.
/// Never edit a migration that has shipped; add the next.
public enum SyncSchema {
    public static let migrations: [SyncMigration] = [version1]

    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Creates the table of applied versions; run before reading it.
    public static let versionTable = """
        CREATE TABLE IF NOT EXISTS holdfast_schema (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// The key of the advisory lock that serialises migrations (any fixed number; "HFSYNC" in ASCII).
    public static let migrationLock: Int64 = 0x4846_5359_4E43
}
