// swift-tools-version: 6.1
import PackageDescription

// Benchmarks of the durable checkout path (POSStorage's Store on a temp-file SQLite database).
// A sub-package so that ordo-one/benchmark never enters the root package's build (STACK.md §10).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-warnings-as-errors"]),
]

let package = Package(
    name: "vetpos-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "VetPOS", path: ".."),  // `name:` makes it work from a checkout folder of any name
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Seeding (TestClinic), requests and a cheap PINHasher, shared by the benchmarks and the throughput tool.
        .target(
            name: "CheckoutFixture",
            dependencies: [
                .product(name: "POSCore", package: "VetPOS"),
                .product(name: "POSStorage", package: "VetPOS"),
                .product(name: "POSTestSupport", package: "VetPOS"),
            ],
            swiftSettings: strict
        ),
        // `swift package benchmark` (the plugin finds targets under Benchmarks/).
        .executableTarget(
            name: "CheckoutBenchmarks",
            dependencies: [
                "CheckoutFixture",
                .product(name: "POSCore", package: "VetPOS"),
                .product(name: "POSStorage", package: "VetPOS"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CheckoutBenchmarks",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // N checkouts through Store, printed as key=value like Baseline/checkout_bench.c
        // (used by compare-checkout.sh).
        .executableTarget(
            name: "CheckoutThroughput",
            dependencies: [
                "CheckoutFixture",
                .product(name: "POSCore", package: "VetPOS"),
                .product(name: "POSStorage", package: "VetPOS"),
                .product(name: "POSTestSupport", package: "VetPOS"),
            ],
            swiftSettings: strict
        ),
        // The desk's client search among N generated clients (default 20,000): key=value lines with timings.
        .executableTarget(
            name: "ClientSearch",
            dependencies: [
                "CheckoutFixture",
                .product(name: "POSCore", package: "VetPOS"),
                .product(name: "POSStorage", package: "VetPOS"),
                .product(name: "POSTestSupport", package: "VetPOS"),
            ],
            swiftSettings: strict
        ),
    ]
)
