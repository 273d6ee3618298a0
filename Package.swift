// swift-tools-version: 6.1
// Module layout: ../shared/DESIGN.md "Layers". Versions: only those this machine kind serves (TOOLCHAIN.md §1).
// Benchmarks/ and Fuzz/ are separate packages that depend on this one by path, so `swift build` stays lean.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
// The libraries emit through swift-metrics' API only; the Prometheus backend is chosen where they are wired.
let coreMetrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let metricsTestKit = Target.Dependency.product(name: "MetricsTestKit", package: "swift-metrics")
// HMAC-SHA256 signatures of webhook bodies.
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
// Webhooks over http:// and https:// (TLS with the system's trust store).
let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")

let package = Package(
    name: "ModemMessaging",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "messagingd", targets: ["messagingd"]),
        .executable(name: "telcp", targets: ["telcp"]),
        .executable(name: "modemctl", targets: ["modemctl"]),
        .library(name: "SMSCodec", targets: ["SMSCodec"]),
        .library(name: "MMSCodec", targets: ["MMSCodec"]),
        .library(name: "Modem", targets: ["Modem"]),
        .library(name: "ModemSimulator", targets: ["ModemSimulator"]),
        .library(name: "MessageStore", targets: ["MessageStore"]),
        .library(name: "Messaging", targets: ["Messaging"]),
        .library(name: "UPnP", targets: ["UPnP"]),
        .library(name: "MessagingUPnP", targets: ["MessagingUPnP"]),
        .library(name: "MessagingWeb", targets: ["MessagingWeb"]),
        .library(name: "MessagingServer", targets: ["MessagingServer"]),
        .library(name: "ModemDiscovery", targets: ["ModemDiscovery"]),
        // The entry logic of the libFuzzer targets, for Fuzz/ and the regression suite; no executable links it.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // MARK: - System libraries and C shims
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .target(name: "CPosixTTY"),
        // glibc's malloc tuning (arena count, trim), which the Glibc module hides.
        .target(name: "CMalloc"),

        // MARK: - Pure codecs (no I/O)
        .target(name: "SMSCodec", swiftSettings: strictSettings),
        .target(name: "MMSCodec", swiftSettings: strictSettings),

        // MARK: - Hardware abstraction
        .target(
            name: "Modem",
            dependencies: ["SMSCodec", "CPosixTTY", logging, lifecycle, systemPackage, coreMetrics],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ModemSimulator",
            // The simulated MMSC: MMS PDUs (MMSCodec) over loopback HTTP (NIO), WAP pushes as SMS (SMSCodec).
            dependencies: ["Modem", "SMSCodec", "MMSCodec", logging, lifecycle, nioCore, nioPosix, nioHTTP1],
            swiftSettings: strictSettings
        ),
        // Known sticks, the AT port among a stick's ttys (pure), libudev enumeration and hotplug monitor.
        .target(
            name: "ModemDiscovery",
            dependencies: ["Modem", "CUdev", logging],
            swiftSettings: strictSettings
        ),

        // MARK: - Service
        // swift-crypto: the SHA-256 that names an MMS attachment's file.
        // CMalloc: the freed heap goes back to the kernel after a burst of imports.
        .target(name: "MessageStore", dependencies: ["CMalloc", grdb, crypto], swiftSettings: strictSettings),
        .target(
            name: "Messaging",
            dependencies: ["MessageStore", "MMSCodec", "Modem", "SMSCodec", logging, lifecycle, coreMetrics],
            swiftSettings: strictSettings
        ),

        // MARK: - UPnP
        .target(
            name: "UPnP",
            dependencies: ["CLibXML2", nioCore, nioPosix, nioHTTP1, logging, lifecycle, coreMetrics],
            swiftSettings: strictSettings
        ),
        .target(
            name: "MessagingUPnP",
            dependencies: ["UPnP", "Messaging", logging, lifecycle],
            swiftSettings: strictSettings
        ),

        // The presentation page and its JSON API, as routes on the device's HTTP port.
        .target(
            name: "MessagingWeb",
            dependencies: ["Messaging", "UPnP", logging],
            swiftSettings: strictSettings
        ),

        // MARK: - Wiring (one configuration → the ordered services; used by messagingd, benchmarks and tests)
        .target(
            name: "MessagingServer",
            dependencies: [
                "MessagingUPnP", "MessagingWeb", "Messaging", "MessageStore", "Modem", "ModemDiscovery",
                "ModemSimulator", "UPnP", logging, lifecycle, unixSignals, coreMetrics, prometheus, nioCore,
                nioPosix, nioHTTP1, crypto, asyncHTTPClient,
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Fuzzing: the check of each libFuzzer target of Fuzz/, one function of the input bytes
        .target(
            name: "FuzzTargets",
            dependencies: [
                "SMSCodec", "MMSCodec", "Modem", "UPnP", "MessagingUPnP", "MessagingWeb", "MessagingServer", logging,
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Executables (thin: parse, wire, run)
        .executableTarget(
            name: "messagingd",
            // CMalloc and NIOCore: the process-wide sizes (malloc arenas, NIO's singleton threads), set first.
            dependencies: ["CMalloc", "MessagingServer", "Messaging", "UPnP", argumentParser, logging, nioCore],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "telcp",
            dependencies: ["UPnP", "Messaging", "MessagingUPnP", "SMSCodec", argumentParser, unixSignals, nioHTTP1],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "modemctl",
            dependencies: ["SMSCodec", "Modem", "ModemDiscovery", "ModemSimulator", argumentParser, logging],
            swiftSettings: strictSettings
        ),

        // Test support: the service as a separate process, for the SIGKILL tests of MessagingTests.
        .executableTarget(
            name: "MessagingCrashHarness",
            dependencies: ["Messaging", "MessageStore", "Modem", logging],
            path: "Tests/MessagingCrashHarness",
            swiftSettings: strictSettings
        ),

        // MARK: - Tests (mirror Sources/)
        // Helpers shared by the test targets: the fixtures in Tests/Fixtures, built executables, polling, a manual
        // clock, a seeded generator, subprocesses without blocking the cooperative pool.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),
        // A GENA subscriber, an HTTP client and SOAP requests on loopback, for the tests that run a real device.
        .target(
            name: "HTTPTestSupport",
            dependencies: ["UPnP", nioCore, nioPosix, nioHTTP1],
            path: "Tests/HTTPTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SMSCodecTests", dependencies: ["SMSCodec", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "FuzzRegressionTests",
            dependencies: ["FuzzTargets", "MessagingServer", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "MMSCodecTests", dependencies: ["MMSCodec", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "ModemTests",
            dependencies: [
                "Modem", "ModemSimulator", "SMSCodec", "CPosixTTY", "TestSupport", logging, coreMetrics, metricsTestKit,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ModemSimulatorTests",
            dependencies: [
                "ModemSimulator", "Modem", "SMSCodec", "MMSCodec", "TestSupport", logging, lifecycle, nioCore, nioPosix,
                nioHTTP1,
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Segments and stores for the import tests of MessageStoreTests and MessagingTests.
        .target(
            name: "MessageStoreTestSupport",
            dependencies: ["MessageStore"],
            path: "Tests/MessageStoreTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MessageStoreTests",
            dependencies: ["MessageStore", "MessageStoreTestSupport", "TestSupport", grdb],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging", "MessageStore", "MessageStoreTestSupport", "Modem", "ModemSimulator", "SMSCodec",
                // The web page's JSON API on an MMS the fixtures here receive (WebMMSTests).
                "MessagingWeb", "UPnP", "TestSupport", logging, coreMetrics, metricsTestKit,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UPnPTests",
            dependencies: [
                "UPnP", "HTTPTestSupport", "TestSupport", nioCore, nioPosix, nioHTTP1, logging, lifecycle,
                coreMetrics, metricsTestKit, .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MessagingUPnPTests",
            dependencies: [
                "MessagingServer", "MessagingUPnP", "UPnP", "Messaging", "MessageStore", "TestSupport", logging,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MessagingServerTests",
            dependencies: [
                "MessagingServer", "MessagingUPnP", "MessagingWeb", "Messaging", "MessageStore", "Modem",
                "ModemDiscovery", "ModemSimulator", "MMSCodec", "UPnP", "HTTPTestSupport", "TestSupport", nioCore,
                nioPosix, nioHTTP1, logging, unixSignals, prometheus, crypto,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ModemDiscoveryTests",
            dependencies: ["ModemDiscovery", "Modem", "ModemSimulator", "TestSupport", logging],
            swiftSettings: strictSettings
        ),
        // `telcp` against `messagingd --simulate`, both as separate processes; `swift build --build-tests` builds them.
        .testTarget(
            name: "TelCPTests",
            dependencies: ["TestSupport", "HTTPTestSupport", nioHTTP1],
            swiftSettings: strictSettings
        ),
        // The executables as separate processes (`modemctl`); `swift build --build-tests` builds them first.
        .testTarget(
            name: "ModemCtlTests",
            dependencies: ["Modem", "ModemSimulator", "MMSCodec", "TestSupport", logging],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
