// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live apart from the main package so that its dependency graph
// (and CI's default build) needs neither Boost nor a C++ compiler.
// Run: scripts/bench (installs libboost-dev if missing, builds in release).
let package = Package(
    name: "HoldfastBenchmarks",
    dependencies: [
        .package(name: "Holdfast", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "holdfast-bench",
            dependencies: [
                .product(name: "HoldfastCore", package: "Holdfast"),
                .product(name: "HoldfastReplay", package: "Holdfast"),
                .product(name: "HoldfastEmulation", package: "Holdfast"),
                .product(name: "HoldfastTrace", package: "Holdfast"),
                .product(name: "HoldfastPOSIX", package: "Holdfast"),
                .product(name: "HoldfastDaemon", package: "Holdfast"),
                "ReferenceKernels",
                "AllocationCounter",
            ],
            path: "Sources/HoldfastBench"
        ),
        // C and C++ references measured side by side with the Swift core.
        .target(name: "ReferenceKernels", cxxSettings: [.unsafeFlags(["-O3"])]),
        // Counts heap allocations by interposing malloc in the benchmark executable.
        .target(name: "AllocationCounter"),
    ],
    cxxLanguageStandard: .cxx17
)
