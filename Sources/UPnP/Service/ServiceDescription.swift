/// The parts of a service description (SCPD, UDA 1.1 §2.5) the stack acts on: actions with their arguments in
/// order, and which state variables are evented.
package struct ServiceDescription: Sendable, Hashable {
    /// One action.
    package struct Action: Sendable, Hashable {
        /// The action name.
        package var name: String
        /// In-argument names in SCPD order.
        package var inArguments: [String]
        /// Out-argument names in SCPD order.
        package var outArguments: [String]
    }

    /// Actions by name.
    package var actions: [String: Action]
    /// State variables with `sendEvents="yes"` (the default is "yes" too, UDA 1.1 §2.5), in SCPD order.
    package var eventedVariables: [String]

    /// Why an SCPD was refused.
    package struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        package var message: String
        package var description: String { "SCPD: \(message)" }
    }

    /// Parses an SCPD.
    package init(parsing text: String) throws(ServiceDescription.Error) {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(text)
        } catch {
            throw Error(message: "not parseable: \(error)")
        }
        guard root.name == "scpd" else { throw Error(message: "root element is <\(root.name)>, not <scpd>") }
        var actions: [String: Action] = [:]
        for element in root.firstElement(named: "actionList")?.elements ?? [] where element.name == "action" {
            guard let name = element.firstElement(named: "name")?.text.trimmedXMLSpace, !name.isEmpty else {
                throw Error(message: "an action has no name")
            }
            var inArguments: [String] = []
            var outArguments: [String] = []
            for argument in element.firstElement(named: "argumentList")?.elements ?? []
            where argument.name == "argument" {
                guard let argumentName = argument.firstElement(named: "name")?.text.trimmedXMLSpace,
                    !argumentName.isEmpty
                else {
                    throw Error(message: "an argument of \(name) has no name")
                }
                // A name given twice would make the SOAP body ambiguous (UDA 1.1 §3.2.1 passes arguments by name).
                guard !inArguments.contains(argumentName), !outArguments.contains(argumentName) else {
                    throw Error(message: "argument \(argumentName) of \(name) is declared twice")
                }
                switch argument.firstElement(named: "direction")?.text.trimmedXMLSpace {
                case "in": inArguments.append(argumentName)
                case "out": outArguments.append(argumentName)
                default: throw Error(message: "argument \(argumentName) of \(name) has no direction in/out")
                }
            }
            guard actions[name] == nil else { throw Error(message: "action \(name) is declared twice") }
            actions[name] = Action(name: name, inArguments: inArguments, outArguments: outArguments)
        }
        var evented: [String] = []
        for variable in root.firstElement(named: "serviceStateTable")?.elements ?? []
        where variable.name == "stateVariable" {
            guard let name = variable.firstElement(named: "name")?.text.trimmedXMLSpace, !name.isEmpty else {
                throw Error(message: "a state variable has no name")
            }
            if (variable.attribute("sendEvents") ?? "yes") == "yes" { evented.append(name) }
        }
        self.actions = actions
        self.eventedVariables = evented
    }

    /// The SCPD text with the root element's `configId` attribute set to `configID` (UDA 1.1 §2.5: it must match
    /// CONFIGID.UPNP.ORG). The attribute is replaced if present, else added.
    static func settingConfigID(_ configID: UInt32, in text: String) -> String {
        guard let start = text.firstRange(of: "<scpd"), let end = text[start.upperBound...].firstIndex(of: ">") else {
            return text
        }
        var tag = String(text[start.lowerBound..<end])
        if let attribute = tag.firstRange(of: "configId=\"") ?? tag.firstRange(of: "configId='") {
            let quote = tag[tag.index(before: attribute.upperBound)]
            if let close = tag[attribute.upperBound...].firstIndex(of: quote) {
                tag.replaceSubrange(attribute.upperBound..<close, with: String(configID))
            }
        } else {
            let selfClosing = tag.hasSuffix("/")
            if selfClosing { tag.removeLast() }
            tag += " configId=\"\(configID)\"" + (selfClosing ? "/" : "")
        }
        return String(text[..<start.lowerBound]) + tag + String(text[end...])
    }
}

extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF; XML 1.0 §2.3 S).
    var trimmedXMLSpace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
