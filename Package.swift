// swift-tools-version: 6.0
import PackageDescription

// The module graph, in layers: a module depends only on modules in the layers
// below it, so every arrow points toward the core (README.md draws the same):
//
//   6  holdfast            the command: argument parsing and wiring only (it builds the daemon's sensor)
//   5  HoldfastReplay    ─► Emulation, Trace, Session, Sensors
//      HoldfastConfig    ─► Daemon, Emulation, Sensors, Session
//   4  HoldfastDaemon    ─► Protocol, Session, Linux, Sensors, CLinux    (never Emulation)
//      HoldfastEmulation ─► Protocol (its label feeder is a client), Session, Trace, Sensors
//      HoldfastTerminal  ─► Protocol, Session, CLinux
//   3  HoldfastProtocol  ─► Session, JSON
//      HoldfastSync      ─► Session, JSON   (the sync's engine; the PostgreSQL side is in Sync/)
//      HoldfastReport    ─► Session                          (a client's course of care: text, CSV, HTML)
//   2  HoldfastSession   ─► JSON
//      HoldfastLinux     ─► Sensors, CI2C, CGPIOD, CLinux
//   1  HoldfastJSON    HoldfastTrace    HoldfastSensors                   (─► POSIX, Core)
//   0  HoldfastPOSIX   HoldfastCore     (standard library and Synchronization only)
//
// HoldfastCore builds and tests on any machine, with no system libraries. The
// daemon never imports the emulation: it is handed a SensorSource, real or
// emulated, by the command that starts it.
let package = Package(
    name: "Holdfast",
    products: [
        .executable(name: "holdfast", targets: ["holdfast"]),
        .library(name: "HoldfastCore", targets: ["HoldfastCore"]),
        .library(name: "HoldfastPOSIX", targets: ["HoldfastPOSIX"]),
        .library(name: "HoldfastTrace", targets: ["HoldfastTrace"]),
        .library(name: "HoldfastReplay", targets: ["HoldfastReplay"]),
        .library(name: "HoldfastEmulation", targets: ["HoldfastEmulation"]),
        // For the fuzz targets in Fuzz/ (a separate package, built with -sanitize=fuzzer).
        .library(name: "HoldfastSession", targets: ["HoldfastSession"]),
        .library(name: "HoldfastDaemon", targets: ["HoldfastDaemon"]),
        .library(name: "HoldfastConfig", targets: ["HoldfastConfig"]),
        .library(name: "HoldfastProtocol", targets: ["HoldfastProtocol"]),
        // For holdfast-sync in Sync/ (a separate package: postgres-nio needs a newer Swift than trixie's).
        .library(name: "HoldfastSync", targets: ["HoldfastSync"]),
        .library(name: "HoldfastReport", targets: ["HoldfastReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Samples, the SPSC ring, fixed point, filters, the hold detector, the 1–10 scale, text rules.
        .target(name: "HoldfastCore"),
        // Files, sockets, threads and clocks over libc, with errors that carry errno.
        .target(name: "HoldfastPOSIX"),
        // JSON as plain values (reading session files and messages), and the string and number encoding.
        .target(name: "HoldfastJSON", dependencies: ["HoldfastCore"]),
        // The trace format (CSV): the reader, its errors.
        .target(name: "HoldfastTrace", dependencies: ["HoldfastCore", "HoldfastPOSIX"]),
        // The only C: module maps and header shims over Debian's libi2c and libgpiod, and the
        // few Linux calls that need _GNU_SOURCE (compiled apart, so it changes no shared type).
        .systemLibrary(name: "CI2C", providers: [.apt(["libi2c-dev"])]),
        .systemLibrary(name: "CGPIOD", pkgConfig: "libgpiod", providers: [.apt(["libgpiod-dev"])]),
        .target(name: "CLinux"),
        // Bus and line protocols, chip drivers, acquisition, calibration values, the sensor source: no C imports.
        .target(name: "HoldfastSensors", dependencies: ["HoldfastCore", "HoldfastPOSIX"]),
        // /dev/i2c-N and gpiochip implementations behind syscall seams; a chip opened on them.
        .target(name: "HoldfastLinux", dependencies: ["HoldfastCore", "HoldfastSensors", "HoldfastPOSIX", "CI2C", "CGPIOD", "CLinux"]),
        // Session records and files: the byte-exact writer, the reader.
        .target(name: "HoldfastSession", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastJSON"]),
        // The control protocol: messages, and a client for the watch, `holdfast send` and tests.
        .target(name: "HoldfastProtocol", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastJSON", "HoldfastSession"]),
        // Session files into a database, each record once: settings, engine, status, schema (no database client:
        // holdfast-sync in Sync/ brings postgres-nio, so the daemon never links it).
        .target(name: "HoldfastSync", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastJSON", "HoldfastSession"]),
        // A client's course of care across sessions: the terminal table, CSV, and HTML with inline SVG plots.
        .target(name: "HoldfastReport", dependencies: ["HoldfastCore", "HoldfastSession"]),
        // Emulated chips with faults, virtual and scaled clocks, scenarios, their traces and ground truth,
        // a played session and its label feeder. Never imported by the daemon.
        .target(name: "HoldfastEmulation",
                dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastSensors", "HoldfastTrace", "HoldfastSession",
                               "HoldfastProtocol"]),
        // Replay: a trace (or an emulated chip playing it) through the ring and the core into a session file.
        .target(name: "HoldfastReplay",
                dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastSession", "HoldfastTrace", "HoldfastEmulation",
                               "HoldfastSensors"]),
        // The service: acquisition and core threads, event loop, control server, record writer, systemd.
        .target(name: "HoldfastDaemon",
                dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastSensors", "HoldfastLinux", "HoldfastSession",
                               "HoldfastProtocol", "HoldfastJSON", "CLinux"]),
        // The configuration file and the calibration file: keys declared once, for the parser, flags and docs.
        .target(name: "HoldfastConfig",
                dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastSensors", "HoldfastDaemon", "HoldfastEmulation",
                               "HoldfastSession"]),
        // The therapist's live view: a screen model (state in, lines out) and a thin terminal writer.
        .target(name: "HoldfastTerminal", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastProtocol", "HoldfastSession", "HoldfastJSON", "CLinux"]),
        .executableTarget(
            name: "holdfast",
            dependencies: [
                "HoldfastReplay", "HoldfastEmulation", "HoldfastLinux", "HoldfastDaemon", "HoldfastConfig",
                "HoldfastTerminal", "HoldfastProtocol", "HoldfastSession", "HoldfastTrace", "HoldfastSensors",
                "HoldfastCore", "HoldfastPOSIX", "HoldfastReport", "HoldfastSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: scratch directories, seeded randomness.
        .target(name: "HoldfastTestSupport", dependencies: ["HoldfastCore", "HoldfastPOSIX"], path: "Tests/HoldfastTestSupport"),
        .testTarget(
            name: "HoldfastCoreTests",
            dependencies: ["HoldfastCore", "HoldfastTestSupport"],
            exclude: ["Golden"]  // read from the source tree by path, so it can be regenerated
        ),
        .testTarget(name: "HoldfastPOSIXTests", dependencies: ["HoldfastPOSIX", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastJSONTests", dependencies: ["HoldfastJSON", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastTraceTests", dependencies: ["HoldfastTrace", "HoldfastEmulation", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastSessionTests", dependencies: ["HoldfastSession", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastSyncTests", dependencies: ["HoldfastSync", "HoldfastSession", "HoldfastCore", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastProtocolTests", dependencies: ["HoldfastProtocol", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastEmulationTests", dependencies: ["HoldfastEmulation", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastSensorsTests", dependencies: ["HoldfastSensors", "HoldfastEmulation", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastLinuxTests", dependencies: ["HoldfastLinux", "HoldfastEmulation", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastReplayTests", dependencies: ["HoldfastReplay", "HoldfastEmulation", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastConfigTests", dependencies: ["HoldfastConfig", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastDaemonTests",
                    dependencies: ["HoldfastDaemon", "HoldfastConfig", "HoldfastEmulation", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastTerminalTests", dependencies: ["HoldfastTerminal", "HoldfastTestSupport"]),
        .testTarget(name: "HoldfastReportTests",
                    dependencies: ["HoldfastReport", "HoldfastReplay", "HoldfastEmulation", "HoldfastSession", "HoldfastTestSupport"]),
    ]
)
