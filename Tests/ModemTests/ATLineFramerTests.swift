import Testing

@testable import Modem

@Suite struct ATLineFramerTests {
    typealias Frame = ATLineFramer.Frame

    static func line(_ text: String) -> Frame { .line(Array(text.utf8)) }

    static let stream = Array(
        "\r\nOK\r\n\r\n+CMTI: \"SM\",3\r\nAT+CMGS=23\r\r\n> 0791\u{1A}\r\n+CMGS: 12\r\n\r\nOK\r\n+CMT: ,23\r0791AB\rlf only\n"
            .utf8
    )
    static let expected: [Frame] = [
        line("OK"), line("+CMTI: \"SM\",3"), line("AT+CMGS=23"), .prompt, line("0791\u{1A}"), line("+CMGS: 12"),
        line("OK"), line("+CMT: ,23"), line("0791AB"), line("lf only"),
    ]

    @Test func wholeBufferGivesEveryFrame() {
        var framer = ATLineFramer()
        #expect(framer.feed(Self.stream) == Self.expected)
        #expect(framer.pendingByteCount == 0)
    }

    @Test func byteAtATimeGivesTheSameFrames() {
        var framer = ATLineFramer()
        var frames: [Frame] = []
        for byte in Self.stream { frames += framer.feed([byte]) }
        #expect(frames == Self.expected)
    }

    @Test(arguments: [2, 3, 5, 7, 11])
    func arbitraryChunksGiveTheSameFrames(size: Int) {
        var framer = ATLineFramer()
        var frames: [Frame] = []
        var index = 0
        while index < Self.stream.count {
            frames += framer.feed(Self.stream[index..<min(index + size, Self.stream.count)])
            index += size
        }
        #expect(frames == Self.expected)
    }

    @Test func promptNeedsNoLineEnd() {
        var framer = ATLineFramer()
        #expect(framer.feed(Array("\r\n>".utf8)) == [])
        #expect(framer.feed(Array(" ".utf8)) == [.prompt])
    }

    @Test func overLongLineIsDroppedAndReportedAndTheNextLineSurvives() {
        var framer = ATLineFramer(maximumLineLength: 8)
        let frames = framer.feed(Array("0123456789ABCDEF\r\nOK\r\n".utf8))
        #expect(frames == [.overflow(length: 16), Self.line("OK")])
    }

    @Test func resetDropsAHalfLine() {
        var framer = ATLineFramer()
        _ = framer.feed(Array("+CMGL: 1,".utf8))
        #expect(framer.reset() == 9)
        #expect(framer.feed(Array("OK\r\n".utf8)) == [Self.line("OK")])
    }
}
