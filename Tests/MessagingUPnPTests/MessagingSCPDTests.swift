import Testing
import UPnP

@testable import MessagingUPnP

@Suite struct MessagingSCPDTests {
    /// The comparable content of an SCPD: actions with arguments, and state variables.
    struct Summary: Equatable {
        var specVersion: [String]
        var actions: [[String]]
        var variables: [[String]]
    }

    static func summary(_ xml: String) throws -> Summary {
        let root = try XMLDocumentParser.parse(xml)
        #expect(root.name == "scpd")
        #expect(root.namespaceURI == "urn:schemas-upnp-org:service-1-0")
        let version = try #require(root.firstElement(named: "specVersion"))
        let actions = try #require(root.firstElement(named: "actionList")).elements(named: "action").map { action in
            [action.firstElement(named: "name")?.text ?? "?"]
                + (action.firstElement(named: "argumentList")?.elements(named: "argument") ?? []).flatMap { argument in
                    ["name", "direction", "relatedStateVariable"].map { argument.firstElement(named: $0)?.text ?? "?" }
                }
        }
        let variables = try #require(root.firstElement(named: "serviceStateTable")).elements(named: "stateVariable").map
        {
            variable in
            var row = [
                variable.attribute("sendEvents") ?? "?",
                variable.firstElement(named: "name")?.text ?? "?",
                variable.firstElement(named: "dataType")?.text ?? "?",
                "default=" + (variable.firstElement(named: "defaultValue")?.text ?? "-"),
            ]
            if let list = variable.firstElement(named: "allowedValueList") {
                row += list.elements(named: "allowedValue").map { "allowed=" + $0.text }
            }
            // UDA order: name, dataType, defaultValue, allowedValueList.
            row.append(variable.elements.map(\.name).joined(separator: ","))
            return row
        }
        return Summary(
            specVersion: [
                version.firstElement(named: "major")?.text ?? "", version.firstElement(named: "minor")?.text ?? "",
            ],
            actions: actions,
            variables: variables
        )
    }

    @Test func matchesTheSpecSCPD() throws {
        let ours = try Self.summary(MessagingSCPD.xml())
        let spec = try Self.summary(try SpecFiles.text("Messaging2-scpd.xml"))
        #expect(ours.specVersion == spec.specVersion)
        #expect(ours.actions.count == 18)
        #expect(ours.variables.count == 19)
        for (mine, theirs) in zip(ours.actions, spec.actions) { #expect(mine == theirs) }
        for (mine, theirs) in zip(ours.variables, spec.variables) { #expect(mine == theirs) }
        #expect(ours == spec)
    }

    @Test func configIDIsWrittenOnTheRoot() throws {
        let root = try XMLDocumentParser.parse(MessagingSCPD.xml(configID: 4711))
        #expect(root.attribute("configId") == "4711")
    }

    @Test func everyRelatedStateVariableIsDeclared() {
        let declared = Set(MessagingSCPD.stateVariables.map(\.name))
        for action in MessagingSCPD.actions {
            for argument in action.arguments { #expect(declared.contains(argument.relatedStateVariable)) }
        }
        #expect(MessagingSCPD.stateVariables.filter(\.sendEvents).map(\.name) == ["NewMessages", "SessionUpdates"])
    }
}
