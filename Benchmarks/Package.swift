// swift-tools-version: 6.1
// Benchmarks are a separate package that depends on the root by path, so that the root's `swift build` stays lean
// (TOOLCHAIN.md §6). Run them with ../scripts/bench-codec.
import PackageDescription

let package = Package(
    name: "ModemMessagingBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ModemMessaging", path: "..")],
    targets: [
        // A plain timing loop in release mode: the codec against libgammu on the same corpus (scripts/bench-codec).
        .executableTarget(
            name: "CodecBench",
            dependencies: [.product(name: "SMSCodec", package: "ModemMessaging")]
        )
    ],
    swiftLanguageModes: [.v6]
)
