import Foundation
import Modem
import SMSCodec
import TestSupport
import Testing

@testable import ModemSimulator

/// Errors of the dialogue harness.
enum DialogueError: Error {
    case timedOut(String)
    case tooMuchData
}

/// Talks raw AT to a simulated modem over an in-memory transport, as a terminal would.
final class DialogueHarness {
    /// Most bytes one read-until may gather before the test fails.
    static let maximumGathered = 1 << 20
    /// Safety net against a hung test (not a synchronisation sleep: reads return as soon as bytes arrive).
    static let readTimeout: Duration = .seconds(10)

    let network: SimulatedNetwork
    let modem: SimulatedModem
    let client: InMemoryTransport
    let modemSide: InMemoryTransport
    private(set) var serveTask: Task<Void, any Error>?
    private var pending: [UInt8] = []

    init(network: SimulatedNetwork, modem: SimulatedModem) {
        self.network = network
        self.modem = modem
        (client, modemSide) = InMemoryTransport.makePair()
    }

    /// A network with one modem of `profile`, served, its start-up URCs consumed.
    static func start(
        profile: SimulatorProfile = .huaweiE3372,
        clock: ManualClock = ManualClock(),
        configure: (SimulatedModem) async -> Void = { _ in }
    ) async throws -> DialogueHarness {
        let network = SimulatedNetwork(clock: clock, wallClock: clock.wallClock)
        let modem = await network.makeModem(profile: profile)
        await configure(modem)
        let harness = DialogueHarness(network: network, modem: modem)
        harness.serve()
        if let last = powerOnURCs(profile).last { _ = try await harness.read(until: last + "\r\n") }
        return harness
    }

    /// The lines a modem of `profile` sends as it powers up without waiting on the clock: the start-up URCs, and the
    /// SMS-ready ones too when the profile has no SIM-busy window.
    static func powerOnURCs(_ profile: SimulatorProfile) -> [String] {
        profile.startupURCs + (profile.simBusyDuration == .zero ? profile.smsReadyURCs : [])
    }

    /// Starts (or restarts) serving `modemSide`.
    func serve() {
        let modem = self.modem
        let side = modemSide
        serveTask = Task { try await modem.serve(side) }
    }

    /// Another harness for a second modem on the same network.
    func addModem(profile: SimulatorProfile = .huaweiE3372) async throws -> DialogueHarness {
        let modem = await network.makeModem(profile: profile)
        let other = DialogueHarness(network: network, modem: modem)
        other.serve()
        if let last = Self.powerOnURCs(profile).last { _ = try await other.read(until: last + "\r\n") }
        return other
    }

    func stop() async {
        serveTask?.cancel()
        await client.close()
        _ = await serveTask?.result
    }

    func write(_ text: String) async throws { try await client.write(Array(text.utf8)) }
    func write(bytes: [UInt8]) async throws { try await client.write(bytes) }

    /// Reads until the gathered text contains `marker`; returns everything up to and including it.
    func read(until marker: String) async throws -> String {
        try await read { text in text.range(of: marker)?.upperBound }
    }

    /// Reads until `end` finds the end of a response in the gathered text. Bytes map one-to-one to Unicode
    /// scalars (ISO 8859-1), so that garbage bytes are seen as they are and counted exactly.
    func read(_ end: @escaping (String) -> String.Index?) async throws -> String {
        while true {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: pending.map { Unicode.Scalar($0) })
            let text = String(scalars)
            if let index = end(text) {
                let prefix = String(text[..<index])
                pending.removeFirst(prefix.unicodeScalars.count)
                return prefix
            }
            guard pending.count < Self.maximumGathered else { throw DialogueError.tooMuchData }
            pending += try await readChunk(soFar: text)
        }
    }

    private func readChunk(soFar: String) async throws -> [UInt8] {
        let client = self.client
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask { try await client.read() }
            group.addTask {
                try await Task.sleep(for: Self.readTimeout)
                throw DialogueError.timedOut(soFar)
            }
            defer { group.cancelAll() }
            guard let bytes = try await group.next() else { throw DialogueError.timedOut(soFar) }
            return bytes
        }
    }

    /// Final result codes a command can end with (V.250, TS 27.007 §9.2, TS 27.005 §3.2.5, Huawei).
    static let finals = ["\r\nOK\r\n", "\r\nERROR\r\n", "\r\nCOMMAND NOT SUPPORT\r\n"]

    /// Sends one command line and returns the response up to its final result code (or the `> ` prompt).
    func command(_ line: String) async throws -> String {
        try await write(line + "\r")
        return try await readResponse()
    }

    func readResponse() async throws -> String {
        try await read { text in
            var ends: [String.Index] = []
            for final in Self.finals {
                if let r = text.range(of: final) { ends.append(r.upperBound) }
            }
            for prefix in ["+CME ERROR: ", "+CMS ERROR: "] {
                if let r = text.range(of: prefix), let lineEnd = text[r.upperBound...].range(of: "\r\n") {
                    ends.append(lineEnd.upperBound)
                }
            }
            if let r = text.range(of: "\r\n> ") { ends.append(r.upperBound) }
            return ends.min()
        }
    }

    /// Turns echo off and numeric errors on, as drivers do first.
    func setUpLikeADriver() async throws {
        let echoOff = try await command("ATE0")
        #expect(echoOff.hasSuffix("\r\nOK\r\n"))
        let cmee = try await command("AT+CMEE=1")
        #expect(cmee == "\r\nOK\r\n")
    }

    /// Sends an SMS-SUBMIT through AT+CMGS and returns the full answer.
    func sendPDU(_ pduHex: String) async throws -> String {
        let tpduLength = pduHex.count / 2 - 1 - (Int(pduHex.prefix(2), radix: 16) ?? 0)
        let prompt = try await command("AT+CMGS=\(tpduLength)")
        #expect(prompt.hasSuffix("\r\n> "))
        try await write(pduHex + "\u{1A}")
        return try await readResponse()
    }
}

/// Builds an SMS-SUBMIT PDU (SMSC field "00") with the simulator's own encoder, for tests.
func submitPDU(to number: String, text: String, statusReport: Bool = false, reference: UInt8 = 7) -> [String] {
    let parts = SimUserData.encode(text, reference: reference)
    return parts.map { part in
        var first: UInt8 = 0x01 | 0x10  // SMS-SUBMIT, relative validity period
        if statusReport { first |= 0x20 }
        if part.hasHeader { first |= 0x40 }
        let tpdu = [first, 0x00] + SimAddress.number(number).encode() + [0x00, part.dcs, 0xA7, part.udl] + part.ud
        return "00" + PDUHex.encode(tpdu)
    }
}

/// The PDUs of `+CMGL:`/`+CMGR:` lines in a response, with their index/stat header.
func listedPDUs(_ response: String) -> [(header: String, pdu: [UInt8])] {
    let lines = response.components(separatedBy: "\r\n")
    var result: [(String, [UInt8])] = []
    for (i, line) in lines.enumerated()
    where line.hasPrefix("+CMGL: ") || line.hasPrefix("+CMGR: ")
        || line.hasPrefix("+CMT: ") || line.hasPrefix("+CDS: ")
    {
        if i + 1 < lines.count, let pdu = try? PDUHex.decode(lines[i + 1]) { result.append((line, pdu)) }
    }
    return result
}

/// Decodes a stored SMS-DELIVER PDU (SMSC field first) into originator, text and concatenation.
func decodeDeliver(
    _ pdu: [UInt8]
) throws -> (originator: SimAddress, text: String, concat: SimUserData.Concat?, dcs: UInt8) {
    let (_, tpdu) = try SimSubmit.splitSMSC(pdu)
    #expect(tpdu[0] & 0x03 == 0x00)
    let (address, next) = try SimAddress.decode(tpdu, at: 1)
    let dcs = tpdu[next + 1]
    let udl = Int(tpdu[next + 9])
    let ud = Array(tpdu[(next + 10)...])
    let decoded = SimUserData.decode(ud: ud, udl: udl, dcs: dcs, hasHeader: tpdu[0] & 0x40 != 0)
    return (address, decoded.text, decoded.concat, dcs)
}
