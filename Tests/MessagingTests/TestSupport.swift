import Foundation
import Logging
import MessageStore
import TestSupport

@testable import Messaging

/// A service on an in-memory store with a manual clock and no modem: the actions against the store alone.
struct ServiceFixture {
    let store: MessageStore
    let clock: ManualClock
    let service: MessagingService

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static var configuration: MessagingConfiguration {
        var configuration = MessagingConfiguration()
        configuration.ownNumber = "+15550000001"
        return configuration
    }

    init(configure: (inout MessagingConfiguration) -> Void = { _ in }) throws {
        store = try MessageStore.inMemory()
        clock = ManualClock()
        var configuration = Self.configuration
        configure(&configuration)
        service = MessagingService(
            store: store,
            modem: nil,
            configuration: configuration,
            clock: clock,
            wallClock: clock.wallClock,
            logger: Self.logger
        )
    }

    /// Stores a received SMS as the mirror would, and returns its public ID.
    @discardableResult
    func receive(
        from sender: String = "+15550000077",
        text: String = "hello",
        at seconds: Double = 1_800_000_000,
        sessionID: Int64? = nil,
        folder: MessageRecord.Folder = .received,
        status: MessageRecord.ReadStatus = .unread
    ) async throws -> String {
        let record = MessageRecord(
            sessionID: sessionID,
            messageClass: "SMS",
            folder: folder,
            status: status,
            direction: .incoming,
            fromID: PeerAddress.normalize(sender),
            text: text,
            dateSent: seconds - 5,
            dateSentOffset: 3600,
            dateReceived: seconds,
            dateReceivedOffset: 0,
            sortTime: seconds
        )
        let id = try await store.insertMessage(
            record,
            recipients: [PeerRow(role: "to", peerID: "+15550000001", name: nil)]
        )
        var stored = record
        stored.id = id
        return MessageID(record: stored).description
    }

    /// A text message to one number, as a control point would send it.
    static func sms(to number: String = "+15550000099", text: String = "hi", sessionID: String? = nil) -> MessageToSend
    {
        MessageToSend(sessionID: sessionID, recipients: RecipientsList(to: [Peer(id: number)]), text: text)
    }
}

/// Runs `body` and returns the MessagingError code it threw, or `nil` when it did not throw one.
func errorCode(_ body: () async throws -> Void) async -> Int? {
    do {
        try await body()
        return nil
    } catch let error as MessagingError {
        return error.code.rawValue
    } catch {
        return -1
    }
}
