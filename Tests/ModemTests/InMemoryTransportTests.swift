import Testing

@testable import Modem

@Suite struct InMemoryTransportTests {
    @Test func bytesFlowBothWays() async throws {
        let (a, b) = InMemoryTransport.makePair()
        try await a.write(Array("AT\r".utf8))
        #expect(try await b.read() == Array("AT\r".utf8))
        try await b.write(Array("\r\nOK\r\n".utf8))
        #expect(try await a.read() == Array("\r\nOK\r\n".utf8))
    }

    @Test func readWaitsForAWriter() async throws {
        let (a, b) = InMemoryTransport.makePair()
        async let received = b.read()
        try await a.write([1, 2, 3])
        #expect(try await received == [1, 2, 3])
    }

    @Test func closeEndsPendingAndLaterReads() async throws {
        let (a, b) = InMemoryTransport.makePair()
        let pending = Task { try await b.read() }
        await a.close()
        await #expect(throws: TransportError.closed) { try await pending.value }
        await #expect(throws: TransportError.closed) { try await a.write([0]) }
    }

    @Test func writerWaitsWhenTheBufferIsFullAndResumesAfterARead() async throws {
        let (a, b) = InMemoryTransport.makePair()
        let total = InMemoryTransport.capacity + 10
        async let done: Void = a.write([UInt8](repeating: 7, count: total))
        var received = 0
        while received < total { received += try await b.read().count }
        try await done
        #expect(received == total)
    }

    @Test func cancellingAReaderEndsItsWait() async throws {
        let (_, b) = InMemoryTransport.makePair()
        let task = Task { try await b.read() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
