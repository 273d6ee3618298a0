import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import UPnP

/// The slow-client deadlines on an EmbeddedChannel, with time moved by hand (no sleeps).
@Suite struct RequestDeadlineHandlerTests {
    static func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.pipeline.syncOperations.addHandler(
            RequestDeadlineHandler(idleTimeout: .seconds(60), requestTimeout: .seconds(30))
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return channel
    }

    @Test func aTricklingHeaderIsCutOffAtTheIdleDeadline() throws {
        let channel = try Self.makeChannel()
        // One byte every 50 s would keep a read-idle timer happy forever.
        for (index, byte) in "GET / HTTP/1.1\r\nHo".utf8.prefix(2).enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            channel.embeddedEventLoop.advanceTime(by: .seconds(index == 0 ? 50 : 9))
            #expect(channel.isActive)
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func aSlowBodyIsCutOffAtTheRequestDeadlineAndACompleteRequestRearms() throws {
        let channel = try Self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab"))
        _ = try channel.readInbound(as: HTTPServerRequestPart.self)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "cd"))  // Request complete: the idle deadline (60 s) now applies.
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(!channel.isActive)
    }
}
