// swift-tools-version: 6.1
// libFuzzer entry points for every parser of outside input (TOOLCHAIN.md §8). A separate package, so that the
// root's `swift build` stays lean. Build and run them with ../scripts/fuzz.
import PackageDescription

/// One fuzzer: an executable target in Sources/<name>, a thin libFuzzer entry around the root package's
/// FuzzTargets (the same code the regression suite Tests/FuzzRegressionTests runs on saved crashes).
func fuzzer(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CFuzzSupport", .product(name: "FuzzTargets", package: "ModemMessaging")],
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

/// scripts/fuzz reads this list (one quoted name per line) for its default set.
let fuzzers = [
    "FuzzSeptets",
    "FuzzXML",
    "FuzzSSDP",
    "FuzzHTTPHeaders",
    "FuzzUPnPClient",
    "FuzzPDU",
    "FuzzAT",
    "FuzzMMS",
    "FuzzConfig",
    "FuzzWeb",
]

let package = Package(
    name: "ModemMessagingFuzz",
    platforms: [.macOS(.v15)],
    products: fuzzers.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "ModemMessaging", path: "..")],
    targets: [.target(name: "CFuzzSupport")] + fuzzers.map(fuzzer),
    swiftLanguageModes: [.v6]
)
