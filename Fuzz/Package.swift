// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for what Holdfast reads from outside: traces, session files,
// the daemon's configuration and control-socket commands. Built and run by
// scripts/fuzz with `swift build --sanitize fuzzer`; libFuzzer supplies main().
// A separate package, so that the main build never needs the fuzzer runtime.
let package = Package(
    name: "HoldfastFuzz",
    dependencies: [.package(name: "Holdfast", path: "..")],
    targets: [
        .executableTarget(
            name: "holdfast-fuzz",
            dependencies: [
                .product(name: "HoldfastEmulation", package: "Holdfast"),
                .product(name: "HoldfastTrace", package: "Holdfast"),
                .product(name: "HoldfastSession", package: "Holdfast"),
                .product(name: "HoldfastDaemon", package: "Holdfast"),
                .product(name: "HoldfastConfig", package: "Holdfast"),
                .product(name: "HoldfastCore", package: "Holdfast"),
                .product(name: "HoldfastPOSIX", package: "Holdfast"),
                .product(name: "HoldfastProtocol", package: "Holdfast"),
            ],
            // No top-level code: the entry point is LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
