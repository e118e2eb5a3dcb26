// swift-tools-version: 6.1
import PackageDescription

// holdfast-sync: a board's session files into the clinic's PostgreSQL.
//
// A package of its own, depending on the main one by path (like Benchmarks/ and
// Fuzz/): postgres-nio declares swift-tools-version 6.1 and brings swift-log
// (6.2), SwiftNIO and BoringSSL, while the main package must keep building with
// Debian trixie's Swift 6.0.3 and the daemon must not link any of it. The
// engine, settings, status and schema live in the main package's HoldfastSync
// (built and tested everywhere); this package adds only the PostgreSQL side
// and the command.
//
//   2  holdfast-sync, holdfast-sync-bench   the commands: arguments and wiring
//   1  HoldfastSyncPostgres  ─► HoldfastSync, HoldfastSession, HoldfastPOSIX; PostgresNIO
let package = Package(
    name: "HoldfastSyncPackage",
    dependencies: [
        .package(name: "Holdfast", path: ".."),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // SyncDatabase over postgres-nio: TLS, SCRAM, migrations, batches, the course export.
        .target(
            name: "HoldfastSyncPostgres",
            dependencies: [
                .product(name: "HoldfastSync", package: "Holdfast"),
                .product(name: "HoldfastSession", package: "Holdfast"),
                .product(name: "HoldfastPOSIX", package: "Holdfast"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "holdfast-sync",
            dependencies: [
                "HoldfastSyncPostgres",
                .product(name: "HoldfastSync", package: "Holdfast"),
                .product(name: "HoldfastCore", package: "Holdfast"),
                .product(name: "HoldfastPOSIX", package: "Holdfast"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // First sync of a 1,000-session history (records/s) and the lag behind a file growing at 1 kHz.
        .executableTarget(
            name: "holdfast-sync-bench",
            dependencies: [
                "HoldfastSyncPostgres",
                .product(name: "HoldfastSync", package: "Holdfast"),
                .product(name: "HoldfastSession", package: "Holdfast"),
                .product(name: "HoldfastPOSIX", package: "Holdfast"),
            ]
        ),
    ]
)
