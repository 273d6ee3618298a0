import Logging
import MessagingServer
import Synchronization
import Testing

/// ``DaemonLogHandler``: a timestamp on a terminal, none under journald (which stamps lines itself) but the
/// sd-daemon(3) priority prefix.
@Suite struct DaemonLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    func logger(isJournal: Bool, into lines: Lines) -> Logger {
        Logger(label: "messagingd") { label in
            DaemonLogHandler(label: label, logLevel: .info, isJournal: isJournal, write: lines.append)
        }
    }

    @Test func underJournaldLinesHaveAPriorityAndNoTimestamp() {
        let lines = Lines()
        let logger = logger(isJournal: true, into: lines)
        logger.info("message received", metadata: ["message.id": "3z"])
        logger.warning("modem disconnected")
        logger.debug("not at this level")
        #expect(lines.all.count == 2)
        #expect(lines.all.first?.hasPrefix("<6>info messagingd: message.id=3z [") == true)
        #expect(lines.all.first?.hasSuffix("] message received\n") == true)
        #expect(lines.all.last?.hasPrefix("<4>warning messagingd: [") == true)
    }

    @Test func onATerminalLinesStartWithATimestamp() throws {
        let lines = Lines()
        logger(isJournal: false, into: lines).info("message sent\nsecond line", metadata: ["message.id": "3z"])
        let line = try #require(lines.all.first)
        // 2026-12-06T18:00:00Z or with an offset, then the level.
        let stamp = try #require(line.split(separator: " ").first)
        #expect(stamp.count >= 20 && stamp.contains("T") && stamp.first?.isNumber == true, "\(line)")
        #expect(line.contains(" info messagingd: message.id=3z ["))
        // One event, one line.
        #expect(line.hasSuffix("message sent\\nsecond line\n"))
    }

    @Test func journalStreamMustNameStandardError() {
        #expect(DaemonLogHandler.isJournal(stream: "8:12345", device: 8, inode: 12345))
        #expect(!DaemonLogHandler.isJournal(stream: "8:12345", device: 8, inode: 12346))
        #expect(!DaemonLogHandler.isJournal(stream: nil, device: 8, inode: 12345))
        #expect(!DaemonLogHandler.isJournal(stream: "8-12345", device: 8, inode: 12345))
        #expect(!DaemonLogHandler.isJournal(stream: "", device: 0, inode: 0))
        // A variable inherited by a process whose standard error goes elsewhere (here: the test's).
        #expect(!DaemonLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "0:1"]))
        #expect(!DaemonLogHandler.standardErrorIsJournal(environment: [:]))
    }
}
