import CPosixTTY
import Foundation
import Logging
import Testing

@testable import Modem

/// Real termios transports: a PseudoTerminal pair with a SerialPort on its slave, and ATModem over it.
@Suite struct PseudoTerminalTests {
    static let logger = Logger(label: "test.pty", factory: { _ in SwiftLogNoOpLogHandler() })

    static func readAll(_ transport: any ByteTransport, count: Int) async throws -> [UInt8] {
        var received: [UInt8] = []
        while received.count < count { received += try await transport.read() }
        return received
    }

    @Test func bytesFlowBothWaysThroughTheSlaveTTY() async throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath, options: .init(baudRate: 115_200))
        try await port.write(Array("AT+CSQ\r".utf8))
        #expect(try await Self.readAll(pty, count: 7) == Array("AT+CSQ\r".utf8))
        // Raw mode: CR and LF pass unchanged, no echo from the line discipline.
        try await pty.write(Array("\r\n+CSQ: 17,99\r\n\r\nOK\r\n".utf8))
        #expect(try await Self.readAll(port, count: 21) == Array("\r\n+CSQ: 17,99\r\n\r\nOK\r\n".utf8))
        await port.close()
        await pty.close()
    }

    @Test func largeTransfersFinishWithBackPressure() async throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath)
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        async let written: Void = pty.write(payload)
        let received = try await Self.readAll(port, count: payload.count)
        try await written
        #expect(received == payload)
        await port.close()
        await pty.close()
    }

    @Test func theSecondOpenOfAnExclusivePortFails() async throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath)
        #expect(cposix_get_exclusive(port.descriptor) == 1)
        if geteuid() == 0 {
            // tty_ioctl(4): CAP_SYS_ADMIN bypasses TIOCEXCL, so as root only the flag can be checked.
            print("theSecondOpenOfAnExclusivePortFails: running as root, EBUSY not checked (TIOCGEXCL checked instead)")
        } else {
            #expect(throws: TransportError.io(errno: EBUSY, reason: "")) { _ = try SerialPort(path: pty.slavePath) }
        }
        await port.close()
        // Closed: the device can be opened again.
        let again = try SerialPort(path: pty.slavePath)
        await again.close()
        await pty.close()
    }

    @Test func badPathsAndBaudRatesAreTypedErrors() throws {
        do {
            _ = try SerialPort(path: "/dev/does-not-exist-modem")
            Issue.record("opened a missing device")
        } catch let error as TransportError {
            guard case .io(let code, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(code == ENOENT)
        }
        do {
            _ = try SerialPort(path: "/dev/null", options: .init(baudRate: 12_345))
            Issue.record("accepted baud 12345")
        } catch let error as TransportError {
            guard case .io(let code, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(code == EINVAL)
        }
    }

    @Test func closingTheMasterMakesTheSlaveVanish() async throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath)
        let pending = Task { try await port.read() }
        await pty.close()
        do {
            _ = try await pending.value
            Issue.record("read succeeded after unplug")
        } catch let error as TransportError {
            guard case .vanished = error else {
                Issue.record("expected vanished, got \(error)")
                return
            }
        }
        // Later calls fail the same way, without touching the closed descriptor.
        await #expect(throws: TransportError.self) { try await port.write([0x41]) }
        await port.close()
    }

    @Test func cancellingAReadEndsItAndTheNextReadGetsTheData() async throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(path: pty.slavePath)
        let task = Task { try await port.read() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await pty.write([1, 2, 3])
        #expect(try await Self.readAll(port, count: 3) == [1, 2, 3])
        await port.close()
        await pty.close()
    }

    @Test func linkPointsAtTheSlaveAndIsRemovedOnClose() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("ttyModem").path
        let file = directory.appendingPathComponent("regular").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))

        let pty = try PseudoTerminal()
        try pty.link(at: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == pty.slavePath)
        #expect(throws: TransportError.self) { try pty.link(at: file) }
        let port = try SerialPort(path: link)
        try await port.write([0x41])
        #expect(try await pty.read() == [0x41])
        await port.close()
        await pty.close()
        #expect(!FileManager.default.fileExists(atPath: link))
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test func atModemOverARealPTYStartsListsAndSeesTheUnplugOnce() async throws {
        let handler = try ATModemTests.huaweiHandler()
        let pty = try PseudoTerminal()
        let scripted = ScriptedModem(transport: pty, handler: handler)
        let scriptTask = Task { await scripted.run() }
        let modem = ATModem(transport: try SerialPort(path: pty.slavePath), logger: Self.logger)
        var events = modem.events().makeAsyncIterator()
        let reader = Task { try await modem.run() }
        let startup = try await modem.start()
        #expect(startup.profile.family == .huawei)
        #expect(try await modem.listMessages(in: .sim).count == 3)
        try await scripted.inject("\r\n+CMTI: \"SM\",4\r\n")
        #expect(await ATModemTests.next(&events) { ATModemTests.isTyped($0) } == .messageStored(.sim, index: 4))

        await pty.close()  // unplug
        try await reader.value
        let event = await ATModemTests.next(&events) { ATModemTests.isTyped($0) }
        guard case .disconnected = event else {
            Issue.record("expected disconnected, got \(String(describing: event))")
            return
        }
        await scriptTask.value

        // Replug: a new pty, the same driver.
        let replugged = try PseudoTerminal()
        let newScript = ScriptedModem(transport: replugged, handler: handler)
        let newScriptTask = Task { await newScript.run() }
        await modem.reopen(transport: try SerialPort(path: replugged.slavePath))
        let newReader = Task { try await modem.run() }
        try await modem.start()
        #expect(try await modem.signalQuality() == SignalQuality(rssi: 17, ber: 99))
        await modem.close()
        try await newReader.value
        #expect(
            await ATModemTests.next(&events) { ATModemTests.isTyped($0) } == .disconnected(reason: "transport closed")
        )
        await replugged.close()
        await newScriptTask.value
    }
}
