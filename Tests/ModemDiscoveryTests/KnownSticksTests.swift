import ModemDiscovery
import Testing

@Suite struct KnownSticksTests {
    @Test func everyIdentityIsListedOnceWithASourceAndAKnownVendor() {
        var seen: Set<USBID> = []
        for stick in KnownSticks.all {
            #expect(seen.insert(stick.id).inserted, "\(stick.id) is listed twice")
            #expect(!stick.source.isEmpty, "\(stick.id) cites no source")
            #expect(KnownSticks.vendor(stick.id.vendor) != nil, "\(stick.id)'s vendor is not in the vendor list")
        }
        #expect(KnownSticks.stick(USBID(vendor: 0x12d1, product: 0x14dc))?.mode == .networkOnly)
        #expect(KnownSticks.stick(USBID(vendor: 0xffff, product: 0xffff)) == nil)
    }

    @Test func theRequiredVendorsAndModesAreCovered() {
        let vendors = Set(KnownSticks.all.map(\.id.vendor))
        #expect(vendors.isSuperset(of: [0x12d1, 0x19d2, 0x2c7c, 0x1e0e, 0x1199, 0x1bbb, 0x1546]))
        var serial = 0
        var network = 0
        var storage = 0
        for stick in KnownSticks.all {
            switch stick.mode {
            case .serial: serial += 1
            case .networkOnly: network += 1
            case .massStorage(let targets):
                storage += 1
                #expect(!targets.isEmpty, "\(stick.id) switches to nothing")
                #expect(targets.allSatisfy { $0.vendor == stick.id.vendor })
            }
        }
        #expect(serial > 0 && network > 0 && storage > 0)
    }

    @Test(arguments: ["12d1:1506", "12D1:1506"])
    func usbIDsParseAndPrintAsUdevWritesThem(_ text: String) throws {
        let id = try #require(USBID(text))
        #expect(id == USBID(vendor: 0x12d1, product: 0x1506))
        #expect(id.description == "12d1:1506")
        #expect(USBID(vendor: 0x19d2, product: 0x0001).productHex == "0001")
    }

    @Test(arguments: ["12d1", "12d1:", "12d1:15066", "xyzw:1506", "12d1:1506:0"])
    func malformedUSBIDsAreRejected(_ text: String) {
        #expect(USBID(text) == nil)
    }
}
