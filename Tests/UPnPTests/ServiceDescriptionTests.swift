import Logging
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
        #expect(throws: ServiceDescription.Error.self) {
            try ServiceDescription(
                parsing: "<scpd><actionList><action><name>A</name><argumentList>"
                    + "<argument><name>x</name><direction>in</direction></argument>"
                    + "<argument><name>x</name><direction>out</direction></argument>"
                    + "</argumentList></action></actionList></scpd>"
            )
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

    /// UDA 1.1 §1.2.2: CONFIGID changes when the description or any SCPD changes. Without a configured value the
    /// device derives it from their bytes: the same documents give the same value, a change of either a new one, and
    /// the description, every SCPD and SSDP carry the value in range.
    @Test func derivedConfigIDFollowsTheDescriptionAndTheSCPDs() throws {
        func derived(_ configuration: UPnPDeviceConfiguration) throws -> UInt32 {
            let device = try UPnPDevice(configuration: configuration, logger: Logger(label: "t"))
            let configID = try #require(device.configuration.configID)
            #expect(configID <= 16_777_215)
            let root = try XMLDocumentParser.parse(String(decoding: device.descriptionBody, as: UTF8.self))
            #expect(root.attribute("configId") == String(configID))
            for service in device.services {
                let scpd = try XMLDocumentParser.parse(String(decoding: service.scpdBody, as: UTF8.self))
                #expect(scpd.attribute("configId") == String(configID))
            }
            return configID
        }
        var configuration = UPnPDeviceConfiguration.test(services: [TestService()])
        configuration.configID = nil
        let first = try derived(configuration)
        #expect(try derived(configuration) == first)
        configuration.friendlyName += " 2"
        let renamed = try derived(configuration)
        #expect(renamed != first)
        configuration.configID = 42
        #expect(try derived(configuration) == 42)

        let description = Array("<root configId=\"0\"/>".utf8)
        let scpd = TestService().scpdXML
        let base = DeviceDescription.derivedConfigID(description: description, scpds: [scpd])
        #expect(DeviceDescription.derivedConfigID(description: description, scpds: [scpd]) == base)
        // The SCPD's own configId does not count (the device overwrites it); one changed byte does.
        let renumbered = ServiceDescription.settingConfigID(999, in: scpd)
        #expect(DeviceDescription.derivedConfigID(description: description, scpds: [renumbered]) == base)
        let changed = scpd.replacing("<name>Echo</name>", with: "<name>Echa</name>")
        #expect(changed != scpd)
        #expect(DeviceDescription.derivedConfigID(description: description, scpds: [changed]) != base)
        #expect(DeviceDescription.derivedConfigID(description: description, scpds: [scpd, scpd]) != base)
        #expect(DeviceDescription.derivedConfigID(description: description, scpds: []) != base)
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
