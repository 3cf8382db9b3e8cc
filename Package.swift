// swift-tools-version: 6.1
import PackageDescription

// Project targets only: Swift 6 mode plus the upcoming features the server stack uses, warnings as errors.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-warnings-as-errors"]),
]
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let bcrypt: Target.Dependency = .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
// The clinic's certificate authority and the server's certificate (HTTPS by default): X509 on swift-crypto's P-256,
// served through swift-nio-ssl (HummingbirdTLS), which HummingbirdTesting already builds.
let tls: [Target.Dependency] = [
    .product(name: "HummingbirdCore", package: "hummingbird"),
    .product(name: "HummingbirdTLS", package: "hummingbird"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
    .product(name: "X509", package: "swift-certificates"),
    .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "SwiftASN1", package: "swift-asn1"),
]

let package = Package(
    name: "VetPOS",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex needs macOS 15; ignored on Linux
    products: [
        .executable(name: "vetpos", targets: ["vetpos"]),
        // Consumed by the Benchmarks sub-package.
        .library(name: "POSCore", targets: ["POSCore"]),
        .library(name: "POSStorage", targets: ["POSStorage"]),
        .library(name: "POSTestSupport", targets: ["POSTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Only its C bcrypt target is built (HummingbirdBcrypt depends on nothing else).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // One trait only: two or more trigger SwiftPM 6.3's random rebuilds (docs/STACK.md §8).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // The domain: money, catalog, invoices, discounts, tax, payments, journal. No dependencies at all.
        .target(name: "POSCore", swiftSettings: strict),
        // PIN hashing (bcrypt) behind POSCore's PINHasher port.
        .target(name: "POSSecurity", dependencies: ["POSCore", bcrypt], swiftSettings: strict),
        // Pure functions from domain values to report models and export bytes, and strict parsers of settlement and
        // bank files. No database.
        .target(name: "POSReports", dependencies: ["POSCore"], swiftSettings: strict),
        // The SQLite store: schema, migrations, immutability triggers, transactions. The only GRDB importer.
        .target(name: "POSStorage", dependencies: ["POSCore", "POSReports", grdb], swiftSettings: strict),
        // Store records turned into report models (deposits, batches, reconciliation, exports): shared by the CLI
        // and the server.
        .target(
            name: "POSServices",
            dependencies: ["POSCore", "POSReports", "POSStorage", "POSDevices", "POSReceipts"],
            swiftSettings: strict
        ),
        // The appliance's HTTP server: sessions, the JSON API over the Store, the OpenAPI document.
        .target(
            name: "POSServer",
            dependencies: [
                "POSCore", "POSReports", "POSServices", "POSStorage", "POSSecurity", "POSDevices", "POSReceipts",
                hummingbird, logging,
            ] + tls,
            resources: [.copy("OpenAPI/openapi.json"), .copy("Web/Static")],
            swiftSettings: strict
        ),
        // Composition root and the command tree.
        .target(
            name: "POSApp",
            dependencies: [
                "POSCore", "POSReports", "POSServices", "POSStorage", "POSSecurity", "POSServer", "POSDevices",
                "POSReceipts", argumentParser, hummingbird, logging,
            ],
            swiftSettings: strict
        ),
        // Devices: libcups and libusb as system libraries, and the drivers that own them (Drivers/README.md).
        .systemLibrary(name: "CCups", path: "Drivers/CCups", providers: [.apt(["libcups2-dev"])]),
        .systemLibrary(
            name: "CLibUSB",
            path: "Drivers/CLibUSB",
            pkgConfig: "libusb-1.0",
            providers: [.apt(["libusb-1.0-0-dev"])]
        ),
        .target(
            name: "POSDevices",
            dependencies: ["POSCore", "CCups", "CLibUSB"],
            path: "Drivers/POSDevices",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DeviceTests",
            dependencies: ["POSDevices", "POSReceipts", "POSTestSupport"],
            swiftSettings: strict
        ),
        .executableTarget(name: "vetpos", dependencies: ["POSApp", "POSCore", argumentParser], swiftSettings: strict),
        // Receipt layouts (Receipts/Layouts) rendered to ESC/POS, plain text and HTML (Receipts/README.md).
        .target(
            name: "POSReceipts",
            dependencies: ["POSCore", "POSReports"],
            path: "Receipts",
            exclude: ["README.md"],
            resources: [.copy("Layouts")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "POSReceiptsTests",
            dependencies: ["POSReceipts", "POSReports", "POSTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // Generators and fixtures shared by tests, the demo and the benchmarks.
        .target(name: "POSTestSupport", dependencies: ["POSCore"], swiftSettings: strict),

        .testTarget(name: "POSCoreTests", dependencies: ["POSCore", "POSTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "POSReportsTests",
            dependencies: ["POSReports", "POSTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "POSStorageTests",
            dependencies: ["POSStorage", "POSSecurity", "POSTestSupport", grdb],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["POSStorage", "POSReports", "POSTestSupport", grdb],
            swiftSettings: strict
        ),
        // `./dev install --destdir` and `./dev package` (packaging/) with the debug binary: files, owners, modes, units.
        .testTarget(name: "InstallTests", dependencies: ["POSTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "POSServer", "POSServices", "POSStorage", "POSSecurity", "POSDevices", "POSTestSupport", hummingbird,
                grdb,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ] + tls,
            swiftSettings: strict
        ),
    ]
)
