import Testing

@testable import Modem

@Suite struct ModemTypesTests {
    @Test(arguments: [(0, -113), (15, -83), (31, -51)])
    func rssiMapsToDBm(rssi: Int, dBm: Int) {
        #expect(SignalQuality(rssi: rssi, ber: 99).dBm == dBm)
    }

    @Test func unknownRSSIHasNoDBm() {
        #expect(SignalQuality(rssi: 99, ber: 99).dBm == nil)
    }

    @Test func storageIsFullOnlyAtItsLimit() {
        #expect(StorageStatus(storage: .sim, used: 30, total: 30).isFull)
        #expect(!StorageStatus(storage: .sim, used: 29, total: 30).isFull)
        #expect(!StorageStatus(storage: .sim, used: 0, total: 0).isFull)
    }
}
