import Foundation

/// What happened to a message that a hook can act on.
public enum MessageHookEvent: String, Sendable, Hashable, CaseIterable, Codable {
    /// A message was received (a concatenated one once, when complete).
    case received
    /// A message this device sends was accepted by the network, every part of it.
    case sent
    /// A message this device sends failed for good.
    case failed
}

/// A program or endpoint told about message events: a command, a webhook.
///
/// ``MessageHookService`` calls ``deliver(_:)`` at least once per event the hook subscribes to; a delivery that
/// throws is retried. It is cancelled when it overruns ``MessageHookConfiguration/timeout`` and must then stop
/// (kill its process, close its connection).
public protocol MessageHook: Sendable {
    /// Identifies the hook in the persistent queue across restarts (e.g. `command:/usr/local/bin/on-sms`): a
    /// pending delivery whose key is no longer configured is given up.
    var key: String { get }
    /// The events it is called for.
    var events: Set<MessageHookEvent> { get }
    /// Delivers one event; returns when the receiver accepted it.
    ///
    /// - Throws: when it did not (non-zero exit status, non-2xx answer, no connection); the error's description
    ///   goes to the log and the health report.
    func deliver(_ invocation: MessageHookInvocation) async throws
}

/// One delivery of one event: the message, the event and the idempotency key, as JSON and as environment
/// variables.
public struct MessageHookInvocation: Sendable, Hashable, Encodable {
    public var event: MessageHookEvent
    /// `<message ID>/<event>`: the same for every retry of this event of this message, so that a receiver can
    /// drop repeats (delivery is at least once).
    public var idempotencyKey: String
    public var message: MessageJSON

    public init(event: MessageHookEvent, message: MessageJSON) {
        self.event = event
        self.message = message
        self.idempotencyKey = "\(message.id)/\(event.rawValue)"
    }

    enum CodingKeys: String, CodingKey {
        case event, idempotencyKey
    }

    /// The message's fields (``MessageJSON``) and, beside them, `event` and `idempotencyKey`.
    public func encode(to encoder: any Encoder) throws {
        try message.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
    }

    /// The JSON object a command reads on standard input and a webhook receives as its body (keys sorted, one
    /// line).
    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Safe: strings, arrays of strings and nulls only; nothing the encoder refuses.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8))
    }

    /// The essentials as environment variables, for shell scripts (`MESSAGE_ID`, `MESSAGE_FROM`, `MESSAGE_TEXT`, …;
    /// lists joined with commas; unknown values empty).
    public var environment: [String: String] {
        [
            "MESSAGE_EVENT": event.rawValue,
            "MESSAGE_IDEMPOTENCY_KEY": idempotencyKey,
            "MESSAGE_ID": message.id,
            "MESSAGE_FOLDER": message.folder,
            "MESSAGE_STATUS": message.status,
            "MESSAGE_CLASS": message.messageClass,
            "MESSAGE_FROM": message.from ?? "",
            "MESSAGE_TO": message.to.joined(separator: ","),
            "MESSAGE_SUBJECT": message.subject ?? "",
            "MESSAGE_TEXT": message.text ?? "",
            "MESSAGE_DATE_SENT": message.dateSent ?? "",
            "MESSAGE_DATE_RECEIVED": message.dateReceived ?? "",
        ]
    }
}
