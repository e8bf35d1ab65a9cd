// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "Clearline",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "clearline", targets: ["clearline"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "Domain", swiftSettings: strict),
        .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(
            name: "Persistence",
            dependencies: ["CPostgres", "Crypto", "Domain", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Migrations")],
            swiftSettings: strict),
        .target(
            name: "HTTPServer",
            dependencies: ["CMicroHTTPD", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(name: "Connectors", dependencies: ["Domain", "Crypto"], swiftSettings: strict),
        .target(
            name: "SageAgent",
            dependencies: ["Connectors", "Domain", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "Sandbox",
            dependencies: ["HTTPServer", "Crypto", "Connectors", "Domain", "SageAgent", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "Engine",
            dependencies: ["Persistence", "Connectors", "Domain", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "AdminAPI",
            dependencies: ["HTTPServer", "Persistence", "Domain", "Crypto", "Connectors", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .executableTarget(
            name: "clearline",
            dependencies: [
                "AdminAPI", "Engine", "Persistence", "Domain", "Crypto", "Sandbox", "Connectors", "SageAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // What the test targets share: the real server and sandbox, the API client, fixtures,
        // scoped workers and waits. A library, not a test target, so that every test target can use it.
        .target(
            name: "ClearlineTesting",
            dependencies: ["AdminAPI", "Engine", "HTTPServer", "Persistence", "Domain", "Crypto", "Sandbox", "Connectors", "SageAgent", .product(name: "Logging", package: "swift-log")],
            path: "Tests/ClearlineTesting"),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: strict),
        .testTarget(
            name: "PersistenceTests",
            dependencies: ["Persistence", "Domain", "Crypto", "ClearlineTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "ClearlineTesting"], swiftSettings: strict),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: ["Connectors", "Domain", "Sandbox", "SageAgent", "Crypto", "HTTPServer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "Persistence", "Domain", "Crypto", "ClearlineTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "AdminAPITests",
            dependencies: ["AdminAPI", "Engine", "HTTPServer", "Persistence", "Domain", "Crypto", "Sandbox", "Connectors", "ClearlineTesting"],
            swiftSettings: strict),
        // Flows end to end: webhooks into the real server, workers, the sandbox's vendors.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Engine", "Persistence", "Domain", "Crypto", "Sandbox", "Connectors", "SageAgent", "ClearlineTesting"],
            swiftSettings: strict),
    ]
)
