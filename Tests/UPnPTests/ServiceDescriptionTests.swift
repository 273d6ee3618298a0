import Testing

@testable import UPnP

@Suite struct ServiceDescriptionTests {
    @Test func parsesTheMessagingSCPD() throws {
        let text = String(decoding: try SpecFiles.bytes("Messaging2-scpd.xml"), as: UTF8.self)
        let description = try ServiceDescription(parsing: text)
        #expect(description.actions.count == 18)
        #expect(description.eventedVariables == ["NewMessages", "SessionUpdates"])
        let read = try #require(description.actions["ReadMessage"])
        #expect(read.inArguments == ["MessageID"] && read.outArguments == ["MessageRequested"])
        #expect(description.actions["GetTelephonyIdentity"]?.inArguments == [])
    }

    @Test func refusesBrokenSCPDs() {
        #expect(throws: ServiceDescription.Error.self) { try ServiceDescription(parsing: "<root/>") }
        #expect(throws: ServiceDescription.Error.self) { try ServiceDescription(parsing: "<scpd><actionList>") }
        #expect(throws: ServiceDescription.Error.self) {
            try ServiceDescription(
                parsing: "<scpd><actionList><action><name>A</name><argumentList><argument><name>x</name>"
                    + "<direction>sideways</direction></argument></argumentList></action></actionList></scpd>"
            )
        }
        #expect(throws: ServiceDescription.Error.self) {
            try ServiceDescription(parsing: "<!DOCTYPE scpd [<!ENTITY x \"y\">]><scpd/>")
        }
    }

    @Test func setsConfigID() {
        #expect(
            ServiceDescription.settingConfigID(
                42,
                in: "<?xml version=\"1.0\"?><scpd xmlns=\"u\" configId=\"1\"><a/></scpd>"
            )
                == "<?xml version=\"1.0\"?><scpd xmlns=\"u\" configId=\"42\"><a/></scpd>"
        )
        #expect(
            ServiceDescription.settingConfigID(7, in: "<scpd xmlns=\"u\"><a/></scpd>")
                == "<scpd xmlns=\"u\" configId=\"7\"><a/></scpd>"
        )
    }

    @Test func deviceDescriptionHasNoURLBaseAndCarriesConfigID() throws {
        let configuration = UPnPDeviceConfiguration.test(services: [TestService()])
        let paths = DeviceDescription.paths(forServiceIDs: [TestService.id])
        let text = String(decoding: DeviceDescription.document(configuration, paths: paths), as: UTF8.self)
        let root = try XMLDocumentParser.parse(text)
        #expect(root.name == "root" && root.namespaceURI == "urn:schemas-upnp-org:device-1-0")
        #expect(root.attribute("configId") == "42")
        #expect(root.firstElement(named: "URLBase") == nil)
        let device = try #require(root.firstElement(named: "device"))
        #expect(device.firstElement(named: "friendlyName")?.text == "Test <Device> & Co")
        #expect(device.firstElement(named: "UDN")?.text == configuration.udn)
        let service = try #require(device.firstElement(named: "serviceList")?.firstElement(named: "service"))
        #expect(service.firstElement(named: "serviceType")?.text == TestService.type)
        #expect(service.firstElement(named: "serviceId")?.text == TestService.id)
        #expect(service.firstElement(named: "SCPDURL")?.text == "/upnp/Test/scpd.xml")
        #expect(service.firstElement(named: "controlURL")?.text == "/upnp/Test/control")
        #expect(service.firstElement(named: "eventSubURL")?.text == "/upnp/Test/event")
    }

    @Test func servicePathsAreUnique() {
        let paths = DeviceDescription.paths(forServiceIDs: [
            "urn:a:serviceId:X", "urn:b:serviceId:X", "urn:c:serviceId:/",
        ])
        #expect(Set(paths.map(\.control)).count == 3)
        #expect(paths[2].control == "/upnp/service/control")
    }

    @Test func configurationValidation() {
        var configuration = UPnPDeviceConfiguration.test(services: [TestService()])
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.udn = "uuid:not-a-uuid"
        #expect(throws: UPnPConfigurationError.self) { try configuration.validate() }
        configuration = .test(services: [TestService(), TestService()])
        #expect(throws: UPnPConfigurationError.self) { try configuration.validate() }
        configuration = .test(services: [])
        #expect(throws: UPnPConfigurationError.self) { try configuration.validate() }
        configuration = .test(services: [TestService()])
        configuration.interfaces = []
        #expect(throws: UPnPConfigurationError.self) { try configuration.validate() }
        configuration = .test(services: [TestService()])
        configuration.configID = 16_777_216
        #expect(throws: UPnPConfigurationError.self) { try configuration.validate() }
        #expect(UPnPDeviceConfiguration.isValidUDN(UPnPDeviceConfiguration.makeUDN()))
        #expect(UPnPDeviceConfiguration.makeUDN() != UPnPDeviceConfiguration.makeUDN())
    }
}
