// swift-tools-version: 6.0
import PackageDescription

// Layering (each arrow is "depends on"):
//   holdfast (CLI) → HoldfastReplay → HoldfastSimulator, HoldfastSession → HoldfastCore
//   HoldfastSimulator, HoldfastSession → HoldfastPOSIX (files and errno, no C beyond libc)
// HoldfastCore uses only the standard library and Synchronization, so the
// performance core builds and tests on any machine, with no system libraries.
let package = Package(
    name: "Holdfast",
    products: [
        .executable(name: "holdfast", targets: ["holdfast"]),
        .library(name: "HoldfastCore", targets: ["HoldfastCore"]),
        .library(name: "HoldfastReplay", targets: ["HoldfastReplay"]),
        .library(name: "HoldfastSimulator", targets: ["HoldfastSimulator"]),
        .library(name: "HoldfastPOSIX", targets: ["HoldfastPOSIX"]),
        // For the fuzz targets in Fuzz/ (a separate package, built with -sanitize=fuzzer).
        .library(name: "HoldfastSession", targets: ["HoldfastSession"]),
        .library(name: "HoldfastDaemon", targets: ["HoldfastDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "HoldfastCore"),
        .target(name: "HoldfastPOSIX"),
        // JSON: plain values for the control protocol and session files read back (FoundationEssentials only),
        // and the string and number encoding the session writer shares.
        .target(name: "HoldfastJSON", dependencies: ["HoldfastCore"]),
        // The only C: module maps and header shims over Debian's libi2c and libgpiod, and the
        // few Linux calls that need _GNU_SOURCE (compiled apart, so it changes no shared type).
        .systemLibrary(name: "CI2C", providers: [.apt(["libi2c-dev"])]),
        .systemLibrary(name: "CGPIOD", pkgConfig: "libgpiod", providers: [.apt(["libgpiod-dev"])]),
        .target(name: "CLinux"),
        // Bus and line protocols, chip drivers, acquisition, calibration: no C imports.
        .target(name: "HoldfastSensors", dependencies: ["HoldfastCore", "HoldfastPOSIX"]),
        // /dev/i2c-N and gpiochip implementations behind a syscall seam.
        .target(name: "HoldfastLinux", dependencies: ["HoldfastSensors", "CI2C", "CGPIOD", "CLinux"]),
        .target(name: "HoldfastSession", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastSensors", "HoldfastJSON"]),
        .target(name: "HoldfastSimulator", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastSensors"]),
        .target(
            name: "HoldfastReplay",
            dependencies: ["HoldfastCore", "HoldfastSession", "HoldfastSimulator", "HoldfastSensors"]
        ),
        // The service: acquisition, core thread, control socket, session files, systemd.
        .target(
            name: "HoldfastDaemon",
            dependencies: ["HoldfastCore", "HoldfastSensors", "HoldfastLinux", "HoldfastSession", "HoldfastSimulator",
                           "HoldfastPOSIX", "HoldfastJSON", "CLinux"]
        ),
        // The therapist's live view: a screen model (state in, lines out) and a thin terminal writer.
        .target(name: "HoldfastTerminal", dependencies: ["HoldfastCore", "HoldfastPOSIX", "HoldfastJSON", "CLinux"]),
        .executableTarget(
            name: "holdfast",
            dependencies: [
                "HoldfastReplay",
                "HoldfastSimulator",
                "HoldfastLinux",
                "HoldfastDaemon",
                "HoldfastTerminal",
                "HoldfastJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "HoldfastCoreTests",
            dependencies: ["HoldfastCore", "HoldfastPOSIX"],
            exclude: ["Golden"]  // read from the source tree by path, so it can be regenerated
        ),
        .testTarget(name: "HoldfastSimulatorTests", dependencies: ["HoldfastSimulator", "HoldfastCore"]),
        .testTarget(name: "HoldfastReplayTests", dependencies: ["HoldfastReplay", "HoldfastSimulator"]),
        .testTarget(name: "HoldfastLinuxTests", dependencies: ["HoldfastLinux"]),
        .testTarget(name: "HoldfastSensorsTests", dependencies: ["HoldfastSensors", "HoldfastSimulator"]),
        .testTarget(name: "HoldfastDaemonTests", dependencies: ["HoldfastDaemon", "HoldfastReplay"]),
        .testTarget(name: "HoldfastTerminalTests", dependencies: ["HoldfastTerminal"]),
        .testTarget(name: "HoldfastJSONTests", dependencies: ["HoldfastJSON"]),
    ]
)
