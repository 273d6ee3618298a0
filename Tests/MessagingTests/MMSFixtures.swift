import Foundation
import Logging
import MMSCodec
import MessageStore
import SMSCodec
import Synchronization
import TestSupport
import Testing

@testable import Messaging

/// An MMSC for the service's tests: answers `retrieve` from a table (or with a queued failure), records every POST,
/// and answers an m-send-req with an m-send-conf. Conforms to the one contract the service uses.
final class FakeMMSC: MMSTransport {
    private struct State {
        var contents: [String: [UInt8]] = [:]
        /// Failures given before the content, in order, per location ("*" for any).
        var failures: [String: [MMSTransportError]] = [:]
        var retrievals: [String] = []
        var posted: [[UInt8]] = []
        var sendStatus: UInt8 = MMSSendConf.statusOK
        var postFailures: [MMSTransportError] = []
        var nextMessageID = 1
    }
    private let state = Mutex(State())

    func setContent(_ bytes: [UInt8], at location: String) { state.withLock { $0.contents[location] = bytes } }
    func failRetrieve(_ errors: [MMSTransportError], at location: String = "*") {
        state.withLock { $0.failures[location] = errors }
    }
    func failPosts(_ errors: [MMSTransportError]) { state.withLock { $0.postFailures = errors } }
    func setSendStatus(_ status: UInt8) { state.withLock { $0.sendStatus = status } }
    var retrievals: [String] { state.withLock { $0.retrievals } }
    var posted: [MMSMessage] { state.withLock { $0.posted }.compactMap { try? MMSMessage(decoding: $0) } }

    func retrieve(from location: String) async throws(MMSTransportError) -> [UInt8] {
        let result: Result<[UInt8], MMSTransportError> = state.withLock { state in
            state.retrievals.append(location)
            for key in [location, "*"] {
                if var queue = state.failures[key], !queue.isEmpty {
                    let error = queue.removeFirst()
                    state.failures[key] = queue
                    return .failure(error)
                }
            }
            guard let content = state.contents[location] ?? state.contents["*"] else {
                return .failure(.contentGone(status: 404))
            }
            return .success(content)
        }
        return try result.get()
    }

    func post(_ pdu: [UInt8]) async throws(MMSTransportError) -> [UInt8] {
        let result: Result<[UInt8], MMSTransportError> = state.withLock { state in
            if !state.postFailures.isEmpty { return .failure(state.postFailures.removeFirst()) }
            state.posted.append(pdu)
            guard case .sendReq(let request)? = try? MMSMessage(decoding: pdu) else { return .success([]) }
            let messageID = "mmsc-\(state.nextMessageID)"
            state.nextMessageID += 1
            return .success(
                MMSMessage.sendConf(
                    MMSSendConf(
                        transactionID: request.transactionID,
                        responseStatus: state.sendStatus,
                        messageID: messageID
                    )
                ).encoded()
            )
        }
        return try result.get()
    }
}

/// Files a control point offers by link, for SendMessage attachments and StartFileTransfer.
struct FakeFileFetcher: FileFetcher {
    var files: [String: FetchedFile]

    func fetch(_ uri: String, maximumBytes: Int) async throws -> FetchedFile {
        guard let file = files[uri] else { throw FileFetchError("HTTP 404") }
        guard file.bytes.count <= maximumBytes else {
            throw FileFetchError("larger than \(maximumBytes) bytes", isTooLarge: true)
        }
        return file
    }
}

/// Pushes, SMS and m-retrieve-conf built for the MMS tests.
enum MMSFixtures {
    static let sender = "+15550000077"
    static let own = "+15550000001"

    /// An SMS-DELIVER PDU (empty SMSC field) carrying `payload` to the WAP push port 2948 (WAP-259-WDP §6.3), with an
    /// 8-bit concatenation element when `part` is given (TS 23.040 §9.2.3.24.1).
    static func pushPDU(
        _ payload: [UInt8],
        from sender: String = sender,
        part: (reference: UInt8, total: UInt8, sequence: UInt8)? = nil,
        second: UInt8 = 0x00
    ) -> [UInt8] {
        var pdu: [UInt8] = [0x00, 0x44]  // no SMSC; SMS-DELIVER with TP-UDHI and TP-MMS
        let digits = Array(sender.dropFirst())
        pdu.append(UInt8(digits.count))
        pdu.append(0x91)
        var index = 0
        while index < digits.count {
            let low = UInt8(String(digits[index]))!
            let high = index + 1 < digits.count ? UInt8(String(digits[index + 1]))! : 0x0F
            pdu.append(high << 4 | low)
            index += 2
        }
        pdu += [0x00, 0x04]  // PID, DCS 8-bit
        pdu += [0x62, 0x21, 0x60, 0x21, 0x43, second, 0x00]  // SCTS 2026-12-06 12:34:ss +00
        var header: [UInt8] = [0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0]  // ports 2948 ← 9200
        if let part { header += [0x00, 0x03, part.reference, part.total, part.sequence] }
        let userData = [UInt8(header.count)] + header + payload
        pdu.append(UInt8(userData.count))
        pdu += userData
        return pdu
    }

    /// A WSP push of an m-notification-ind.
    static func notificationPush(
        transactionID: String,
        location: String,
        subject: String = "Holiday",
        size: UInt64 = 1234,
        expiry: MMSTime = .relative(3 * 24 * 3600),
        from: String = sender
    ) -> [UInt8] {
        let notification = MMSNotificationInd(
            transactionID: transactionID,
            from: EncodedStringValue(from + "/TYPE=PLMN"),
            subject: EncodedStringValue(subject),
            messageSize: size,
            expiry: expiry,
            contentLocation: location
        )
        return WSPPush.mms(transactionID: 1, pdu: MMSMessage.notificationInd(notification).encoded()).encoded()
    }

    /// An m-retrieve-conf: SMIL, a text in ISO-8859-1, and `image` as a JPEG.
    static func retrieveConf(text: String, image: [UInt8], transactionID: String? = nil) -> [UInt8] {
        let smil = WSPPart(
            contentType: WSPContentType("application/smil"),
            headers: [.contentID("<smil>"), .contentLocation("smil.xml")],
            data: Array("<smil><body><par><img src=\"picture.jpg\"/><text src=\"text.txt\"/></par></body></smil>".utf8)
        )
        let textPart = WSPPart.text(text, charset: .iso8859_1, headers: [.contentLocation("text.txt")])!
        let picture = WSPPart(
            contentType: WSPContentType("image/jpeg", parameters: [.name("picture.jpg")]),
            headers: [.contentLocation("picture.jpg")],
            data: image
        )
        let conf = MMSRetrieveConf(
            transactionID: transactionID,
            messageID: "msg-1",
            date: 1_800_000_000,
            from: EncodedStringValue(sender + "/TYPE=PLMN"),
            to: [EncodedStringValue(own + "/TYPE=PLMN")],
            subject: EncodedStringValue("Holiday"),
            content: .multipart([smil, textPart, picture], smilStart: "<smil>")
        )
        return MMSMessage.retrieveConf(conf).encoded()
    }

    /// Bytes that stand for a picture (seeded, so every run has the same).
    static func picture(size: Int, seed: UInt64 = 7) -> [UInt8] {
        var generator = SeededRandom(seed: seed)
        return (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The decoded form of a push SMS, as the mirror imports it.
    static func incoming(_ pdu: [UInt8], simID: Int64, at receivedAt: Double) -> IncomingPart {
        IncomingDecoder.decode(
            pdu: pdu,
            storedStatus: nil,
            source: "cmt",
            simID: simID,
            ownNumber: own,
            receivedAt: Date(timeIntervalSince1970: receivedAt),
            importStoredSent: false
        )
    }
}

/// A service without a modem on an MMSC: MMS arrive by importing their push SMS (as the mirror does), the MMS
/// worker runs on a manual clock.
final class MMSServiceRig: @unchecked Sendable {
    // @unchecked: the task list is only touched from the test's own task.
    let store: MessageStore
    let clock: ManualClock
    let mmsc: FakeMMSC
    let service: MessagingService
    let simID: Int64
    private var task: Task<Void, any Error>?

    init(
        store: MessageStore,
        mmsc: FakeMMSC = FakeMMSC(),
        fileFetcher: (any FileFetcher)? = nil,
        clock: ManualClock = ManualClock(),
        configure: (inout MessagingConfiguration) -> Void = { _ in }
    ) async throws {
        self.store = store
        self.clock = clock
        self.mmsc = mmsc
        var configuration = MessagingConfiguration()
        configuration.ownNumber = MMSFixtures.own
        configuration.mms.initialRetryDelay = .seconds(10)
        configure(&configuration)
        simID = try await store.simID(iccid: "8901", imsi: "00101", msisdn: "", now: 0)
        service = MessagingService(
            store: store,
            modem: nil,
            mmsTransport: mmsc,
            fileFetcher: fileFetcher,
            configuration: configuration,
            clock: clock,
            wallClock: clock.wallClock,
            logger: Logger(label: "mms", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    func start() {
        let service = self.service
        task = Task { try await service.run() }
    }

    func stop() async {
        task?.cancel()
        _ = await task?.result
        task = nil
    }

    /// Imports push SMS as the mirror does, then wakes the MMS worker.
    @discardableResult
    func receive(_ pdus: [[UInt8]]) async throws -> [ImportOutcome] {
        var outcomes: [ImportOutcome] = []
        for pdu in pdus {
            let part = MMSFixtures.incoming(pdu, simID: simID, at: clock.wallClock().timeIntervalSince1970)
            outcomes.append(
                try await store.importPart(part, rules: MirrorImportRules(reassemblyTimeout: .seconds(3600)))
            )
        }
        service.requestMMSPass()
        return outcomes
    }

    /// Received messages, oldest first, in their public form.
    func received() async throws -> [Messaging.Message] {
        var messages: [Messaging.Message] = []
        for summary in try await store.search(StoreQuery(folder: .received)) {
            if let id = summary.message.id, let detail = try await store.message(id: id) {
                messages.append(await service.makeMessage(detail))
            }
        }
        return messages
    }

    /// Waits (bounded) for `condition`, moving the manual clock a second a round so back-offs come due.
    func eventually(
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = self.clock
        let service = self.service
        try await TestSupport.eventually(what, interval: .milliseconds(10), sourceLocation: sourceLocation) {
            if try await condition() { return true }
            clock.advance(by: .seconds(1))
            service.requestMMSPass()
            return false
        }
    }
}
