import ArgumentParser
import UPnP

/// `telcp discover`: every TelephonyServer:2 answering on the interface.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "List every TelephonyServer:2 device on the interface: friendly name, UDN, identity, location."
    )

    @OptionGroup var options: DeviceOptions

    func run() async throws {
        try await reportingFailures {
            let devices: [MessagingDevice]
            if options.location != nil {
                devices = [try await options.connect()]
            } else {
                devices = try await options.discover()
            }
            guard !devices.isEmpty else {
                throw TelCPFailure(
                    message: "no TelephonyServer:2 answered on \(options.interface) (SSDP port \(options.ssdpPort))",
                    status: ExitStatus.noDevice
                )
            }
            let output = Output(json: options.json)
            for device in devices {
                // A device without an identity yet (714) is still listed.
                let identity = try? await device.identity()
                output.print(
                    .object([
                        ("friendlyName", .string(device.friendlyName)),
                        ("udn", .string(device.udn)),
                        ("identity", .optional(identity)),
                        ("location", .string(device.location.description)),
                        ("deviceType", .string(device.description.root.deviceType)),
                        ("modelName", .optional(device.description.root.modelName)),
                        ("modelNumber", .optional(device.description.root.modelNumber)),
                    ]),
                    text: "\(device.friendlyName)\t\(identity ?? "-")\t\(device.udn)\t\(device.location)"
                )
            }
        }
    }
}
