import Modem
import Testing

@testable import ModemSimulator

@Suite struct SlotStoreTests {
    @Test func fillsLowestFreeSlotAndReportsFull() {
        var store = SlotStore(storage: .sim, capacity: 3)
        #expect(store.store([1], status: .receivedUnread) == 1)
        #expect(store.store([2], status: .receivedUnread) == 2)
        #expect(store.store([3], status: .receivedUnread) == 3)
        #expect(store.isFull)
        #expect(store.store([4], status: .receivedUnread) == nil)
        let deleted = store.delete(at: 2)
        let deletedAgain = store.delete(at: 2)
        #expect(deleted)
        #expect(!deletedAgain)
        #expect(store.store([5], status: .storedUnsent) == 2)
        #expect(store.entries.map(\.entry.pdu) == [[1], [5], [3]])
    }

    @Test func readingMarksReceivedMessagesRead() {
        var store = SlotStore(storage: .phone, capacity: 2)
        let index = store.store([9], status: .receivedUnread)
        #expect(index == 1)
        store.markRead(at: 1)
        #expect(store.entry(at: 1)?.status == .receivedRead)
    }
}
