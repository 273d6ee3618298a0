// swift-tools-version: 6.1
// libFuzzer entry points for every parser of outside input (TOOLCHAIN.md §8). A separate package, so that the
// root's `swift build` stays lean. Build and run them with ../scripts/fuzz.
import PackageDescription

/// One fuzzer: an executable target in Sources/<name> that depends on the root package's library `library`.
func fuzzer(_ name: String, _ libraries: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CFuzzSupport"] + libraries.map { .product(name: $0, package: "ModemMessaging") },
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let fuzzers: [(String, [String])] = [
    ("FuzzSeptets", ["SMSCodec"]),
    ("FuzzXML", ["UPnP", "MessagingUPnP"]),
    ("FuzzSSDP", ["UPnP"]),
    ("FuzzHTTPHeaders", ["UPnP"]),
    ("FuzzUPnPClient", ["UPnP"]),
    ("FuzzPDU", ["SMSCodec"]),
    ("FuzzAT", ["Modem", "SMSCodec"]),
]

let package = Package(
    name: "ModemMessagingFuzz",
    platforms: [.macOS(.v15)],
    products: fuzzers.map { .executable(name: $0.0, targets: [$0.0]) },
    dependencies: [.package(name: "ModemMessaging", path: "..")],
    targets: [.target(name: "CFuzzSupport")] + fuzzers.map { fuzzer($0.0, $0.1) },
    swiftLanguageModes: [.v6]
)
