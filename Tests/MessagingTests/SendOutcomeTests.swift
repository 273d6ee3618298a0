import Modem
import Testing

@testable import Messaging

/// Which failed submissions can have reached the network: only those decide whether a segment sent again may
/// arrive twice (and its concatenation reference is held back).
@Suite struct SendOutcomeTests {
    static let cmgs = "AT+CMGS=23"

    @Test func aRefusalOrAFailureBeforeThePDUWentOutTookNothing() {
        let refusals: [any Error] = [
            ModemError(
                .sendFailed(part: 0),
                underlying: ATError(
                    .result(.cmsError(CMSError(rawValue: 500))),
                    command: Self.cmgs,
                    payloadWritten: true
                )
            ),
            ModemError(.sendFailed(part: 0), underlying: ATError(.timeout, command: Self.cmgs)),
            ModemError(.sendFailed(part: 0), underlying: ATError(.noPrompt, command: Self.cmgs)),
            ATError(.aborted, command: Self.cmgs),
            ModemError(.disconnected, reason: "the modem is away"),
        ]
        for error in refusals { #expect(MessagingService.wasRefused(error), "\(error)") }
    }

    @Test func aFailureAfterThePDUWentOutLeavesTheOutcomeUnknown() {
        let unknown: [any Error] = [
            ModemError(.sendFailed(part: 0), underlying: ATError(.timeout, command: Self.cmgs, payloadWritten: true)),
            ModemError(
                .sendFailed(part: 0),
                underlying: ATError(.answerLost, command: Self.cmgs, payloadWritten: true)
            ),
            ModemError(.disconnected, underlying: ATError(.disconnected, command: Self.cmgs, payloadWritten: true)),
            ModemError(.sendFailed(part: 0), reason: "no +CMGS message reference"),
        ]
        for error in unknown { #expect(!MessagingService.wasRefused(error), "\(error)") }
    }
}
