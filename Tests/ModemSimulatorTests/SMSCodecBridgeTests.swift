import Foundation
import SMSCodec
import Testing

@testable import ModemSimulator

@Suite struct SMSCodecBridgeTests {
    @Test func encodesThroughSMSCodecAndDecodesWithTheSimulatorsOwnReader() throws {
        let long = String(repeating: "Grüße aus dem Netz 😀 ", count: 8)
        let tpdus = try #require(
            SMSCodecBridge.deliverTPDUs(
                text: long,
                from: "MyBank",
                timestamp: Date(timeIntervalSince1970: 1_767_225_600),
                messageClass: 1,
                reference: 5
            )
        )
        #expect(tpdus.count > 1)
        let parts = try tpdus.map { try decodeDeliver([0x00] + $0) }
        #expect(parts.map(\.text).joined() == long)
        #expect(parts.allSatisfy { $0.originator == SimAddress(kind: .alphanumeric, value: "MyBank") })
        #expect(parts.compactMap(\.concat?.sequence) == Array(1...tpdus.count))
        #expect(parts.allSatisfy { $0.dcs & 0x13 == 0x11 })  // class 1
    }

    @Test func readsSubmissionsWithSMSCodec() throws {
        let hex = submitPDU(to: "+15550000002", text: "hello codec")[0]
        let tpdu = Array(try PDUHex.decode(hex).dropFirst())
        let decoded = try #require(SMSCodecBridge.submissionText(tpdu: tpdu))
        #expect(decoded.text == "hello codec")
        #expect(decoded.concat == nil)
        #expect(SMSCodecBridge.submissionText(tpdu: [0x01]) == nil)
    }
}
