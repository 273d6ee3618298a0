import ArgumentParser

/// `telcp`: a LAN control point for Messaging:2 services (DESIGN.md "Executables").
@main
struct TelCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telcp",
        abstract: "Discovers Messaging:2 services on the LAN and sends, lists, reads and deletes messages through them.",
        discussion: "The control-point commands arrive with the UPnP stack (issue 6); this build only prints its version.",
        version: "0.1.0"
    )
}
