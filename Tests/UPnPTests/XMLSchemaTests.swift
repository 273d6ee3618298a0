import Foundation
import Testing

@testable import UPnP

@Suite struct XMLSchemaTests {
    static let messagingSchema: Result<XMLSchema, XMLParseError> = {
        do {
            let schema = try XMLSchema(
                main: try SpecFiles.bytes("messaging-v2.xsd"),
                name: "messaging-v2.xsd",
                imports: ["peer-v2.xsd": try SpecFiles.bytes("peer-v2.xsd")]
            )
            return .success(schema)
        } catch let error as XMLParseError {
            return .failure(error)
        } catch {
            return .failure(XMLParseError(.schemaUnusable, "cannot read the spec: \(error)"))
        }
    }()

    static func schema() throws -> XMLSchema { try messagingSchema.get() }

    @Test func everyExampleDirectoryIsPresent() {
        #expect(SpecFiles.xmlFiles(in: "").count >= 17)
        #expect(SpecFiles.xmlFiles(in: "invalid").count >= 8)
        #expect(SpecFiles.xmlFiles(in: "soap").count >= 7)
    }

    @Test(arguments: SpecFiles.xmlFiles(in: ""))
    func validExampleValidates(path: String) throws {
        let root = try Self.schema().validate(try SpecFiles.bytes(path))
        #expect(root.namespaceURI == "urn:schemas-upnp-org:phone:messaging")
    }

    @Test(arguments: SpecFiles.xmlFiles(in: "invalid"))
    func invalidExampleFails(path: String) throws {
        let bytes = try SpecFiles.bytes(path)
        // Well-formed: the failure must come from the schema, not from the parser.
        _ = try XMLDocumentParser.parse(bytes)
        let error = #expect(throws: XMLParseError.self) { try Self.schema().validate(bytes) }
        #expect(error?.code == .invalid)
        #expect(error?.reason.isEmpty == false)
    }

    @Test(arguments: SpecFiles.xmlFiles(in: "soap"))
    func soapExampleFragmentsValidate(path: String) throws {
        let envelope = try XMLDocumentParser.parse(try SpecFiles.bytes(path))
        var fragments = 0
        func visit(_ element: XMLElement) throws {
            for child in element.elements {
                let text = child.text.trimmingXMLWhitespace()
                if ["MessageRequested", "MessageToSend", "NewMessages", "SessionUpdates"].contains(child.name) {
                    try Self.schema().validate(text)
                    fragments += 1
                }
                try visit(child)
            }
        }
        try visit(envelope)
        let expected = ["ReadMessage-response.xml": 1, "SendMessage-request.xml": 1, "NOTIFY-propertyset.xml": 2]
        #expect(fragments == expected[(path as NSString).lastPathComponent, default: 0])
    }

    @Test func validationErrorsAreCollectedNotPrinted() throws {
        let xml = """
            <messaging:newMessages xmlns:messaging="urn:schemas-upnp-org:phone:messaging">
              <newMessage><messageID>a-b</messageID></newMessage><bogus/>
            </messaging:newMessages>
            """
        let error = #expect(throws: XMLParseError.self) { try Self.schema().validate(xml) }
        #expect(error?.code == .invalid)
        #expect(error?.reason.contains("messageID") == true)
        #expect(error?.reason.contains("bogus") == true)
        #expect(error?.documentLine == 2)
    }

    @Test func validationStillAppliesTheHardening() throws {
        let xml = """
            <!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <messaging:newMessages xmlns:messaging="urn:schemas-upnp-org:phone:messaging"/>
            """
        let error = #expect(throws: XMLParseError.self) { try Self.schema().validate(xml) }
        #expect(error?.code == .doctypeForbidden)
    }

    @Test func importsAreNeverLoadedFromFiles() throws {
        // The file exists on disk, but only registered in-memory documents may be imported.
        let peerPath = SpecFiles.specDirectory.appendingPathComponent("peer-v2.xsd").path
        let main = """
            <schema xmlns="http://www.w3.org/2001/XMLSchema" xmlns:peer="urn:schemas-upnp-org:phone:peer"
                    targetNamespace="urn:t">
              <import namespace="urn:schemas-upnp-org:phone:peer" schemaLocation="file://\(peerPath)"/>
              <element name="p" type="peer:peerType"/>
            </schema>
            """
        let error = #expect(throws: XMLParseError.self) { try XMLSchema(main: main) }
        #expect(error?.code == .schemaUnusable)
    }

    @Test func brokenSchemaIsReported() {
        let main = #"<schema xmlns="http://www.w3.org/2001/XMLSchema"><element name="a" type="nope"/></schema>"#
        let error = #expect(throws: XMLParseError.self) { try XMLSchema(main: main) }
        #expect(error?.code == .schemaUnusable)
        #expect(error?.reason.contains("nope") == true)
    }

    @Test func concurrentValidationsAreIndependent() async throws {
        let schema = try Self.schema()
        let good = try SpecFiles.bytes("examples/message-received-sms.xml")
        let bad = try SpecFiles.bytes("examples/invalid/message-wrong-order.xml")
        let allCorrect = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<6 {
                group.addTask {
                    for round in 0..<50 {
                        let valid = (task + round) % 2 == 0
                        let passed = (try? schema.validate(valid ? good : bad)) != nil
                        if passed != valid { return false }
                    }
                    return true
                }
            }
            var all = true
            for await ok in group { all = all && ok }
            return all
        }
        #expect(allCorrect)
    }
}
