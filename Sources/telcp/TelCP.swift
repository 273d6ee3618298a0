import ArgumentParser

/// `telcp`: a LAN control point for Messaging:2 services (DESIGN.md "Executables").
@main
struct TelCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telcp",
        abstract: "A LAN control point for UPnP Telephony Messaging:2 services; this version has no commands.",
        discussion: "It prints its version with --version, and this help with --help or without arguments.",
        version: "0.1.0"
    )
}
