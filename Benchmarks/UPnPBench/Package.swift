// swift-tools-version: 6.1
// The server side of scripts/bench-upnp: a UPnPDevice on lo whose one service answers a ReadMessage-shaped SOAP
// action with a fixed body. A separate package that depends on the root by path (like Fuzz/), so that the root's
// `swift build` stays lean. Not a test: scripts/bench-upnp builds it in release mode and drives it with wrk.
import PackageDescription

let package = Package(
    name: "UPnPBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ModemMessaging", path: "../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "upnp-bench-server",
            dependencies: [
                .product(name: "UPnP", package: "ModemMessaging"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
