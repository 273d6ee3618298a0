import ArgumentParser
import UPnP

/// `telcp identity`: GetTelephonyIdentity.
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Print the device's telephone identity (a tel: URI)."
    )

    @OptionGroup var options: DeviceOptions

    func run() async throws {
        try await reportingFailures {
            let identity = try await options.connect().identity()
            Output(json: options.json).print(.object([("identity", .string(identity))]), text: identity)
        }
    }
}
