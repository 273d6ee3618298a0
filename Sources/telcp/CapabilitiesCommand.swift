import ArgumentParser
import MessagingUPnP
import UPnP

/// `telcp capabilities`: GetMessagingCapabilities.
struct CapabilitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities",
        abstract: "Print the message classes, session classes and folders the device supports."
    )

    @OptionGroup var options: DeviceOptions

    func run() async throws {
        try await reportingFailures {
            let device = try await options.connect()
            let text = try await device.call("GetMessagingCapabilities", out: "SupportedCapabilities")
            let capabilities = try device.fragment(MessagingCapabilitiesFragment.self, text)
            Output(json: options.json).print(
                .object([
                    ("messageClasses", .array(capabilities.messageClasses.map(JSON.string))),
                    ("sessionClasses", .array(capabilities.sessionClasses.map(JSON.string))),
                    ("folders", .array(capabilities.messageFolders.map(JSON.string))),
                ]),
                text: """
                    Message classes: \(capabilities.messageClasses.joined(separator: ", "))
                    Session classes: \(capabilities.sessionClasses.joined(separator: ", "))
                    Folders:         \(capabilities.messageFolders.joined(separator: ", "))
                    """
            )
        }
    }
}
