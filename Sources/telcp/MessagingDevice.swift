import MessagingUPnP
import UPnP

/// A Messaging:2 service on a device, ready to be called.
struct MessagingDevice: Sendable {
    var location: HTTPURL
    var description: RemoteDeviceDescription
    var service: RemoteDeviceDescription.Service
    /// The local address the device reaches this host at (GENA callbacks are bound there).
    var localAddress: IPAddress?
    var controlPoint: UPnPControlPoint

    var udn: String { description.root.udn }
    var friendlyName: String { description.root.friendlyName }

    /// Reads the description at `location` and finds its Messaging:2 service.
    static func connect(location: HTTPURL, controlPoint: UPnPControlPoint) async throws -> MessagingDevice {
        let (description, localAddress) = try await controlPoint.description(at: location)
        guard let (_, service) = description.service(compatibleWith: MessagingServiceDescription.serviceType) else {
            throw UPnPClientError(.notOffered, "\(location) offers no Messaging:2 service")
        }
        return MessagingDevice(
            location: location,
            description: description,
            service: service,
            localAddress: localAddress,
            controlPoint: controlPoint
        )
    }

    /// Calls an action and returns its out-arguments by name.
    func call(_ action: String, _ arguments: [(String, String)] = []) async throws -> [String: String] {
        let outputs = try await controlPoint.call(action, of: service, arguments: arguments)
        return Dictionary(outputs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The value of an out-argument the action must return.
    func call(_ action: String, _ arguments: [(String, String)] = [], out name: String) async throws -> String {
        guard let value = try await call(action, arguments)[name] else {
            throw UPnPClientError(.malformedResponse, "the answer to \(action) has no \(name)")
        }
        return value
    }

    /// Bounds of the XML fragments read from answers: a `messageList` may hold many messages.
    static let fragmentLimits = XMLParseLimits(maxDocumentBytes: 16 << 20, maxElements: 400_000)

    /// Reads an XML-valued out-argument as its fragment.
    func fragment<F: MessagingFragment>(_ type: F.Type, _ text: String) throws -> F {
        do {
            return try F(parsing: text, limits: Self.fragmentLimits)
        } catch {
            throw UPnPClientError(.malformedResponse, "\(F.rootName): \(error)")
        }
    }

    /// SearchMessages with the four filters (`""` = any, messaging-v2.md §5.4).
    func searchMessages(
        messageClass: String = "",
        folder: String = "",
        status: String = "",
        sessionID: String = ""
    ) async throws -> [MessageFragment] {
        let list = try await call(
            "SearchMessages",
            [
                ("MessageClass", messageClass), ("MessageFolder", folder), ("MessageStatus", status),
                ("SessionID", sessionID),
            ],
            out: "MessageList"
        )
        return try fragment(MessageListFragment.self, list).messages
    }

    /// GetTelephonyIdentity (§5.1).
    func identity() async throws -> String {
        try await call("GetTelephonyIdentity", out: "TelephonyIdentity")
    }
}
