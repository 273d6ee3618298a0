import Foundation
import Modem
import TestSupport
import Testing

@testable import ModemSimulator

/// Bad input never traps the simulated modem or its transcoder, and the modem keeps answering.
@Suite struct RobustnessTests {
    @Test(arguments: [1, 2, 3])
    func randomBytesThenAT(seed: UInt64) async throws {
        let h = try await DialogueHarness.start()
        var random = SeededRandom(seed: seed)
        // Printable AT-ish noise with CR, Ctrl-Z, ESC, quotes and prompts mixed in.
        let alphabet = Array("AT+CMGSLRDWNIE=?;,\"0123456789ABCDEF^!$\r\r\u{1A}\u{1B} ".utf8)
        for _ in 0..<300 {
            var chunk: [UInt8] = []
            for _ in 0..<Int(random.next() % 40) {
                let r = random.next()
                chunk.append(
                    r % 5 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : alphabet[Int((r >> 8) % UInt64(alphabet.count))]
                )
            }
            try await h.write(bytes: chunk)
        }
        // Leave any prompt, end any line, then the modem must still answer.
        try await h.write("\u{1B}\r")
        try await h.write("ATE0\r")
        _ = try await h.read(until: "ATE0\r")
        #expect(try await h.command("AT").hasSuffix("OK\r\n"))
        await h.stop()
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomTPDUsNeverTrapTheTranscoder(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<2000 {
            let count = Int(random.next() % 180)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty { bytes[0] = bytes[0] & 0xFC | 0x01 }
            if let submit = try? SimSubmit(tpdu: bytes) {
                let decoded = SimUserData.decode(
                    ud: submit.userData,
                    udl: Int(submit.userDataLength),
                    dcs: submit.dataCodingScheme,
                    hasHeader: submit.hasUserDataHeader
                )
                #expect(decoded.text.count <= 160)
            }
            _ = try? SimAddress.decode(bytes, at: 0)
            _ = try? SimSubmit.splitSMSC(bytes)
            _ = SimulatedModem.messageClass(ofDeliver: bytes)
        }
    }

    @Test func veryLongTextsAreCutAt255Parts() {
        let parts = SimUserData.encode(String(repeating: "x", count: 153 * 300), reference: 1)
        #expect(parts.count == 255)
        #expect(parts.allSatisfy { $0.ud[4] == 255 })
    }
}
