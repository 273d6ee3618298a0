import Testing

@testable import MessagingUPnP

@Suite struct MessagingServiceDescriptionTests {
    @Test(arguments: [
        ("urn:schemas-upnp-org:service:Messaging:1", true),
        ("urn:schemas-upnp-org:service:Messaging:2", true),
        ("urn:schemas-upnp-org:service:Messaging:3", false),
        ("urn:schemas-upnp-org:service:Messaging:x", false),
        ("urn:schemas-upnp-org:service:CallManagement:2", false),
    ])
    func servesVersionsUpToTwo(type: String, served: Bool) {
        #expect(MessagingServiceDescription.serves(serviceType: type) == served)
    }
}
