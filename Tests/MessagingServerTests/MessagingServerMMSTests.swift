import Foundation
import HTTPTestSupport
import Logging
import Messaging
import MessagingServer
import MessagingUPnP
import ModemSimulator
import TestSupport
import Testing
import UPnP

/// The simulated MMSC of the simulated modems as ``MessagingServer`` wires it (what `messagingd --simulate` runs):
/// each simulated modem's `[mms]` points at it unless one is given, and the daemon's file fetcher makes
/// StartFileTransfer carry a control point's file as an MMS.
@Suite struct MessagingServerMMSTests {
    static let picture = try! Array(Fixtures.data("images/python.jpg"))

    @Test func simulatedModemsGetTheSimulatedMMSCUnlessAnMMSCIsGiven() async throws {
        var configuration = MessagingServerTests.configuration(database: .inMemory)
        configuration.additionalModems = [
            .init(modem: .simulated, database: .inMemory, friendlyName: "second")
        ]
        let server = try await MessagingServer(configuration: configuration, logger: MessagingServerTests.logger)
        let mmsc = try #require(server.simulatedMMSC)
        for (index, stack) in server.stacks.enumerated() {
            let mms = try #require(stack.configuration.mms)
            #expect(
                mms.mmscURL == "http://127.0.0.1:\(mmsc.port)/mms/1555000000\(index + 1)"
            )
            #expect(mms.proxy == .init(host: "127.0.0.1", port: mmsc.port))
            #expect(stack.fileFetcher?.maximumBytes == mms.maximumSize)
        }
        await mmsc.shutdown()

        var given = MessagingServerTests.configuration(database: .inMemory)
        given.mms = MMSConfiguration(mmscURL: "http://mms.operator.invalid/mms")
        let own = try await MessagingServer(configuration: given, logger: MessagingServerTests.logger)
        #expect(own.simulatedMMSC == nil)
        #expect(own.stacks[0].configuration.mms == given.mms)
    }

    @Test func aFileTransferOfAnOfferedFileReachesTheEchoAndComesBack() async throws {
        // A database on disk: attachments are files beside it.
        let scratch = try ScratchDirectory("messaging-server-mms")
        defer { scratch.remove() }
        let server = try await MessagingServer(
            configuration: MessagingServerTests.configuration(database: .file(path: scratch.path("messages.sqlite"))),
            logger: MessagingServerTests.logger
        )
        let file = OfferedFileServer.File(name: "picture.jpg", mimeType: "image/jpeg", bytes: Self.picture)
        try await withTimeout(seconds: 120) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let endpoints = try await server.waitUntilRunning()
                let controlPath = try await MessagingServerTests.description(endpoints).controlPath
                func call(_ action: String, _ arguments: [(String, String)]) async throws -> [String: String] {
                    try await MessagingServerTests.call(
                        port: endpoints.httpPort,
                        controlPath: controlPath,
                        action: action,
                        arguments: arguments
                    )
                }
                let session = try #require(
                    try await call(
                        "CreateSession",
                        [
                            ("SessionClass", "File-Transfer"),
                            (
                                "SessionRecipients",
                                RecipientsListFragment(to: [PeerFragment(id: "+15550000099")]).serialized()
                            ),
                            ("Subject", ""), ("SupportedContentType", ""),
                        ]
                    )["SessionID"]
                )
                try await OfferedFileServer.with(host: "127.0.0.1", files: [file]) { offered in
                    let list = FileInfoListFragment(
                        sessionID: session,
                        files: [
                            .init(
                                fileType: "image/jpeg",
                                fileSize: UInt64(Self.picture.count),
                                fileLink: offered.links[0],
                                progressNotification: false
                            )
                        ]
                    )
                    _ = try await call("StartFileTransfer", [("FileInfoList", list.serialized())])
                    // The echo's MMS comes back with the same picture.
                    var received: [UInt8]?
                    try await eventually(
                        "the echo's MMS with the picture",
                        timeout: .seconds(90),
                        interval: .milliseconds(50)
                    ) {
                        let echoes = try await server.messaging.searchMessages(
                            MessageQuery(messageClass: .mms, folder: .received)
                        )
                        for echo in echoes {
                            let message = try await server.messaging.readMessage(id: echo.id.description)
                            for attachment in message.attachments where attachment.mimeType == "image/jpeg" {
                                received = try await server.messaging.attachment(path: attachment.uri)?.bytes
                            }
                        }
                        return received != nil
                    }
                    #expect(received == Self.picture)
                    #expect(offered.fetches == [1])
                }
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        // Stopped with the rest: the simulated MMSC no longer listens.
        let mmsc = try #require(server.simulatedMMSC)
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTPConnection.request(port: mmsc.port, path: "/content/none")
        }
    }
}
