import Testing

@testable import Messaging

@Suite struct PeerAddressTests {
    /// The SMSC may report a recipient in national or international form (TS 23.040 §9.1.2.5).
    @Test(arguments: [
        ("+15550000099", "+15550000099", true), ("+15550000099", "5550000099", true),
        ("+4917012345678", "017012345678", true), ("+15550000099", "+15550000098", false), ("123", "+44123", false),
        ("5550000099", "5550000099", true),
    ])
    func addressesMatchAcrossNationalAndInternationalForms(a: String, b: String, same: Bool) {
        #expect(PeerAddress.isSameNumber(a, b) == same)
    }
}
