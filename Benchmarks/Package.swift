// swift-tools-version: 6.1
// Benchmarks are a separate package that depends on the root by path, so that the root's `swift build` stays lean
// (TOOLCHAIN.md §6). Run them with ../scripts/bench-codec.
import PackageDescription

let package = Package(
    name: "ModemMessagingBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ModemMessaging", path: ".."),
        // Same packages and versions as the root (NotifyLatencyBench runs the daemon's stack and a NIO subscriber).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // A plain timing loop in release mode: the codec against libgammu on the same corpus (scripts/bench-codec).
        .executableTarget(
            name: "CodecBench",
            dependencies: [.product(name: "SMSCodec", package: "ModemMessaging")]
        ),
        // SearchMessages/ReadMessage latency over 100,000 messages (in the service and through the SOAP action
        // handler) and the mirror's import rate;
        // run with `swift run -c release --package-path Benchmarks MessagingBench`.
        .executableTarget(
            name: "MessagingBench",
            dependencies: [
                .product(name: "Messaging", package: "ModemMessaging"),
                .product(name: "MessagingUPnP", package: "ModemMessaging"),
                .product(name: "MessageStore", package: "ModemMessaging"),
                .product(name: "Modem", package: "ModemMessaging"),
                .product(name: "SMSCodec", package: "ModemMessaging"),
                .product(name: "UPnP", package: "ModemMessaging"),
            ]
        ),
        // Time from an SMS arriving at the simulator to the GENA NOTIFY at a subscriber, through the whole daemon
        // stack (MessagingServer, as messagingd runs it) in one process on loopback (scripts/bench-notify).
        .executableTarget(
            name: "NotifyLatencyBench",
            dependencies: [
                .product(name: "MessagingServer", package: "ModemMessaging"),
                .product(name: "Messaging", package: "ModemMessaging"),
                .product(name: "MessagingUPnP", package: "ModemMessaging"),
                .product(name: "ModemSimulator", package: "ModemMessaging"),
                .product(name: "UPnP", package: "ModemMessaging"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // MMSCodec decode/encode of a 300 KB m-retrieve-conf, and one MMS end to end through the service and the
        // simulated MMSC on loopback (scripts/bench-mms).
        .executableTarget(
            name: "MMSBench",
            dependencies: [
                .product(name: "MMSCodec", package: "ModemMessaging"),
                .product(name: "MessageStore", package: "ModemMessaging"),
                .product(name: "Messaging", package: "ModemMessaging"),
                .product(name: "MessagingServer", package: "ModemMessaging"),
                .product(name: "Modem", package: "ModemMessaging"),
                .product(name: "ModemSimulator", package: "ModemMessaging"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
