import ArgumentParser
import UPnP

/// `telcp`: a LAN control point for Messaging:2 services (DESIGN.md "Executables"). Thin: each subcommand parses its
/// arguments, finds the device (``DeviceOptions``) and calls it through the UPnP module's client half.
@main
struct TelCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telcp",
        abstract: "A LAN control point for UPnP Telephony Messaging:2 services: send, read and watch SMS and MMS.",
        discussion: """
            telcp finds TelephonyServer:2 devices with SSDP on one interface (--interface, default lo), or talks to \
            the one whose description --location names. With several devices on the interface, --device picks one \
            by UDN or friendly name. Every command prints readable text, or with --json one JSON object per line \
            and result.

            Exit status: 0 success; 1 the device answered with a UPnP fault (its code and description are printed); \
            2 send --wait: the message failed; 3 no device found; 4 timeout; 5 network or protocol error (no \
            connection, a malformed answer); 6 read --save: a file could not be written; 64 bad \
            arguments.
            """,
        version: "0.2.0",
        subcommands: [
            DiscoverCommand.self, IdentityCommand.self, CapabilitiesCommand.self, SendCommand.self, ListCommand.self,
            SearchCommand.self, ReadCommand.self, DeleteCommand.self, WatchCommand.self, SessionCommand.self,
            TransferCommand.self,
        ]
    )
}
