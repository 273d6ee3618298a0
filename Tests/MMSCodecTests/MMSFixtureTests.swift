import Foundation
import TestSupport
import Testing

@testable import MMSCodec

/// The WAP-push datagrams of Tests/Fixtures/mms decode as their sidecars say, and re-serialize.
@Suite struct MMSFixtureTests {
    struct Sidecar: Decodable {
        struct WSP: Decodable {
            let tid: UInt8
            let headers_length: Int
            let content_type: String
            let x_wap_application_id: String
        }
        struct Expiry: Decodable { let relative_seconds: UInt64 }
        struct Headers: Decodable {
            let messageType: String
            let transactionID: String
            let version: String
            let from: String?
            let subject: String?
            let messageClass: String
            let messageSize: UInt64
            let expiry: Expiry
            let contentLocation: String
            let priority: String?
            let deliveryReport: Bool?

            enum CodingKeys: String, CodingKey {
                case messageType = "Message-Type"
                case transactionID = "Transaction-Id"
                case version = "MMS-Version"
                case from = "From"
                case subject = "Subject"
                case messageClass = "Message-Class"
                case messageSize = "Message-Size"
                case expiry = "Expiry"
                case contentLocation = "Content-Location"
                case priority = "Priority"
                case deliveryReport = "Delivery-Report"
            }
        }
        let size: Int
        let wsp: WSP
        let mms_pdu_offset: Int
        let expect_headers: Headers
    }

    static let files: [String] = (try? Fixtures.fileNames(in: "mms", suffix: ".wsp")) ?? []

    static func load(_ file: String) throws -> ([UInt8], Sidecar) {
        let bytes = [UInt8](try Fixtures.data("mms/\(file)"))
        let sidecar = try JSONDecoder().decode(Sidecar.self, from: try Fixtures.data("mms/\(file).json"))
        return (bytes, sidecar)
    }

    @Test func everyFixtureIsListed() {
        #expect(Self.files.count == 5)
    }

    @Test(arguments: files)
    func pushDecodesAsTheSidecarSays(file: String) throws {
        let (bytes, sidecar) = try Self.load(file)
        #expect(bytes.count == sidecar.size)
        let push = try WSPPush(decoding: bytes)
        #expect(push.transactionID == sidecar.wsp.tid)
        #expect(push.pduType == .push)
        #expect(push.contentType.name == sidecar.wsp.content_type)
        #expect(push.isMMS)
        #expect(push.applicationID == sidecar.wsp.x_wap_application_id)
        #expect(push.data == Array(bytes[sidecar.mms_pdu_offset...]))
        // HeadersLen is the uintvar after TID and PDU type; the headers end where the MMS PDU begins.
        #expect(try UIntVar.decode(bytes[2...]).value == UInt32(sidecar.wsp.headers_length))
        #expect(push.encoded() == bytes)
    }

    @Test(arguments: files)
    func notificationDecodesAsTheSidecarSays(file: String) throws {
        let (bytes, sidecar) = try Self.load(file)
        let expected = sidecar.expect_headers
        let push = try WSPPush(decoding: bytes)
        let message = try MMSMessage(decoding: push.data)
        guard case .notificationInd(let notification) = message else {
            Issue.record("\(file) is not an m-notification-ind: \(message)")
            return
        }
        #expect(expected.messageType == "m-notification-ind")
        #expect(notification.transactionID == expected.transactionID)
        #expect(notification.version.description == expected.version)
        #expect(notification.from?.text == expected.from)
        #expect(notification.subject?.text == expected.subject)
        #expect(expected.messageClass == "Personal")
        #expect(notification.messageClass == .personal)
        #expect(notification.messageSize == expected.messageSize)
        #expect(notification.expiry == .relative(expected.expiry.relative_seconds))
        #expect(notification.contentLocation == expected.contentLocation)
        #expect(notification.priority.map { $0 == 0x01 ? "Normal" : "other" } == expected.priority)
        #expect(notification.deliveryReport == expected.deliveryReport)
        #expect(notification.otherHeaders.isEmpty)
    }

    /// Every notification re-serializes from its wire struct to equal bytes, except the one whose charset octet
    /// lacks its top bit: that one re-serializes to the corrected encoding, which decodes to an equal structure.
    @Test(arguments: files)
    func notificationReserializes(file: String) throws {
        let (bytes, sidecar) = try Self.load(file)
        let data = Array(bytes[sidecar.mms_pdu_offset...])
        let pdu = try MMSPDU(decoding: data)
        let message = try MMSMessage(pdu)
        if file == "notif-gammu-at-sms-33.wsp" {
            #expect(pdu.encoded() != data)
            #expect(try MMSPDU(decoding: pdu.encoded()) == pdu)
        } else {
            #expect(pdu.encoded() == data)
            #expect(message.encoded() == data)
        }
        #expect(try MMSMessage(decoding: message.encoded()) == message)
    }

    @Test func charsetOctetWithoutTopBitIsReadAsShortInteger() throws {
        let (bytes, sidecar) = try Self.load("notif-gammu-at-sms-33.wsp")
        guard
            case .notificationInd(let notification) = try MMSMessage(decoding: Array(bytes[sidecar.mms_pdu_offset...]))
        else {
            Issue.record("not a notification")
            return
        }
        #expect(notification.from?.charset == .iso8859_1)
        #expect(notification.from?.text == "33707520030/TYPE=PLMN")
    }

    @Test func emptySubjectIsAnEmptyText() throws {
        let (bytes, sidecar) = try Self.load("notif-gammu-at-sms-40.wsp")
        let pdu = try MMSPDU(decoding: Array(bytes[sidecar.mms_pdu_offset...]))
        #expect(pdu[.subject] == .encodedString(EncodedStringValue(charset: nil, octets: [])))
    }

    /// Every prefix of every fixture either decodes or throws a typed error inside the input (never traps).
    @Test(arguments: files)
    func truncatedFixturesThrowWithOffsets(file: String) throws {
        let (bytes, _) = try Self.load(file)
        for length in 0..<bytes.count {
            let prefix = Array(bytes.prefix(length))
            do {
                let push = try WSPPush(decoding: prefix)
                _ = try? MMSMessage(decoding: push.data)
            } catch {
                #expect(error.offset >= 0 && error.offset <= length)
            }
        }
        // Cutting the push inside its headers is always an error.
        #expect(throws: MMSCodecError.self) { try WSPPush(decoding: Array(bytes.prefix(4))) }
    }
}
