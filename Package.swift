// swift-tools-version: 6.1
import Foundation
import PackageDescription

// CI sets PORTREPORT_WARNINGS_AS_ERRORS=1 for its build and its `swift test`, so that a warning in
// our own targets fails the run (dependencies are built with their warnings suppressed, as
// SwiftPM always does). Both commands see the same flags, so the tests reuse the build.
let ownSettings: [SwiftSetting] =
    ProcessInfo.processInfo.environment["PORTREPORT_WARNINGS_AS_ERRORS"].map { $0.isEmpty || $0 == "0" } == false
    ? [.unsafeFlags(["-warnings-as-errors"])] : []

let package = Package(
    name: "portreport",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "portreport", targets: ["portreport"]),
        .library(name: "PortReport", targets: ["PortReport"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2")
    ],
    targets: [
        // System libraries, found through pkg-config; `.ci/bootstrap` installs them.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(
            name: "PortReport",
            dependencies: [
                "CZlib",
                "CCrypto",
                "CLibXML2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // Policy files are YAML, the format people already write by hand.
                .product(name: "Yams", package: "Yams")
            ],
            exclude: ["Analysis/make-service-names.py"],
            swiftSettings: ownSettings
        ),
        .executableTarget(
            name: "portreport",
            dependencies: [
                "PortReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            swiftSettings: ownSettings
        ),
        // The fuzzing harness (.ci/fuzz builds it with -sanitize=fuzzer); a normal build makes
        // a replay tool for saved inputs.
        .executableTarget(
            name: "portreport-fuzz",
            dependencies: ["PortReport"],
            swiftSettings: ownSettings
        ),
        // What both test targets share: the package root, a dump of a store.
        .target(
            name: "PortReportTestSupport",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/PortReportTestSupport",
            swiftSettings: ownSettings
        ),
        .testTarget(
            name: "PortReportTests",
            dependencies: ["PortReport", "PortReportTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            // Canned outputs the renderer tests compare with, read through #filePath.
            exclude: ["Render/Expected"],
            swiftSettings: ownSettings
        ),
        .testTarget(
            name: "portreportCLITests",
            dependencies: ["portreport", "PortReportTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["FuzzCrashes"],
            swiftSettings: ownSettings
        )
    ],
    swiftLanguageModes: [.v6]
)
