/// Entry points for the libFuzzer targets in `Fuzz/` (FuzzSSDP, FuzzHTTPHeaders, FuzzUPnPClient, and the SOAP
/// request half of FuzzXML), run through the FuzzTargets module, which cannot reach this module's internal parsers. Each runs the parsers on arbitrary bytes and checks invariants that
/// must hold for every input; a `false` result (or a trap) is a bug.
public enum UPnPFuzzTargets {
    /// SSDP: datagram parsing, M-SEARCH validation, answers, and that every answer we would send parses back to the
    /// same ST and USN.
    public static func ssdp(_ bytes: [UInt8]) -> Bool {
        guard let message = try? SSDPMessage(parsing: bytes) else { return true }
        // Every header value we keep is printable and trimmed.
        for (name, value) in message.headers {
            guard name == name.uppercased(), value.first != " ", value.last != " " else { return false }
        }
        guard let search = SSDPSearch(message, multicastHost: "239.255.255.250:1900") else { return true }
        if let mx = search.maximumWait, !(1...SSDPSearch.maximumMX).contains(mx) { return false }
        let advertisement = SSDPAdvertisement(
            udn: "uuid:2fac1234-31f8-11b4-a222-08002b34c003",
            deviceType: "urn:schemas-upnp-org:device:TelephonyServer:2",
            serviceTypes: ["urn:schemas-upnp-org:service:Messaging:2"],
            maxAge: 1800,
            server: "Linux/6.1 UPnP/1.1 ModemMessaging/0.1",
            bootID: 1,
            configID: 1,
            multicastHost: "239.255.255.250:1900"
        )
        let answers = advertisement.answers(to: search.searchTarget)
        guard answers.count <= advertisement.allTargets.count else { return false }
        for target in answers {
            let bytes = advertisement.searchResponse(target, location: "http://127.0.0.1:1/d.xml", date: "x")
            guard let parsed = try? SSDPMessage(parsing: bytes), parsed["ST"] == target.type,
                parsed["USN"] == target.usn
            else { return false }
        }
        return true
    }

    /// The UPnP header values: the input is split at LF into SOAPACTION, CALLBACK, TIMEOUT, Host, SID,
    /// CONTENT-TYPE, an IP address and free text; each parser runs on its line, and round-trip invariants are
    /// checked (the free text: the byte-level XML escaper against ``XMLEscaping``).
    public static func httpHeaders(_ bytes: [UInt8]) -> Bool {
        let lines = bytes.split(separator: 0x0A, maxSplits: 7, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        func line(_ index: Int) -> String { index < lines.count ? lines[index] : "" }

        if let (serviceType, action) = UPnPHeaderParsing.soapAction(line(0)) {
            guard
                UPnPHeaderParsing.soapAction("\"\(serviceType)#\(action)\"").map({ $0 == (serviceType, action) })
                    == true
            else { return false }
        }
        if let urls = UPnPHeaderParsing.callback(line(1), maximumCount: 4) {
            guard !urls.isEmpty, urls.count <= 4 else { return false }
            for url in urls {
                // The Host header we would send names the same address and port.
                guard let host = UPnPHeaderParsing.host(url.hostHeader), IPAddress(host.host) == url.host,
                    host.port == url.port, url.path.hasPrefix("/")
                else { return false }
            }
        }
        if case .seconds(let seconds) = UPnPHeaderParsing.timeout(line(2)), seconds <= 0 { return false }
        if let host = UPnPHeaderParsing.host(line(3)), let port = host.port, !(1...65535).contains(port) {
            return false
        }
        if let sid = UPnPHeaderParsing.sid(line(4)), !sid.hasPrefix("uuid:") { return false }
        _ = UPnPRequestRouter.isXMLUTF8(line(5))
        if let address = IPAddress(line(6)) {
            // Formatting then parsing gives the same address.
            guard IPAddress(address.description) == address else { return false }
            if let subnet = IPSubnet("\(address)/\(address.bytes.count * 4)"), !subnet.contains(address) {
                return false
            }
        }
        // The byte-level escaper of the hot paths agrees with XMLEscaping on the rest of the input.
        var escaped: [UInt8] = []
        XMLTextBytes.appendEscaped(line(7), to: &escaped)
        return String(decoding: escaped, as: UTF8.self) == XMLEscaping.escape(line(7))
    }

    /// A SOAP control request body as the device reads it (``SOAPActionRequest``): what parses is an envelope with
    /// one action of simple arguments, and the envelope a control point writes for that action (telcp's request
    /// writer) reads back to the same action, service type and arguments. `false` when an invariant breaks; a
    /// refused body leaves the parser's typed error in `refusal`.
    public static func soapRequest(_ bytes: [UInt8], refusal: inout (any Error)?) -> Bool {
        // The fast reader's rule: what it reads, libxml2 reads too, to the same request.
        let limits = SOAPActionRequest.limits(maximumBytes: 1 << 20)
        if let fast = SOAPEnvelopeReader.read(bytes, maxDepth: limits.maxDepth, maxElements: limits.maxElements) {
            guard (try? SOAPActionRequest(parsingWithLibXML2: bytes, limits: limits)) == fast else { return false }
        }
        let request: SOAPActionRequest
        do {
            request = try SOAPActionRequest(parsing: bytes)
        } catch {
            refusal = error
            return true
        }
        guard !request.actionName.isEmpty, !request.actionName.contains(":") else { return false }
        // An empty namespace cannot be bound to a prefix (Namespaces in XML 1.0 §3, "xmlns:u=\"\"" is an error),
        // so only a request with a service type has an envelope to write.
        guard let serviceType = request.serviceType, !serviceType.isEmpty else { return true }
        let written = SOAPActionRequest.envelope(
            action: request.actionName,
            serviceType: serviceType,
            arguments: request.arguments.map { ($0.name, $0.value) }
        )
        return (try? SOAPActionRequest(parsing: written)) == request
    }

    /// The control point's parsers of what a device sends, chosen by the first byte: a search answer, a URL
    /// (and its resolution against a description's URL), a description, a SOAP answer or fault, an event body.
    /// What they accept must be usable: URLs are `http`, with a path and a valid port; faults have a code.
    public static func client(_ bytes: [UInt8]) -> Bool {
        guard let selector = bytes.first else { return true }
        let rest = Array(bytes.dropFirst())
        // Safe to force unwrap: a constant, valid URL.
        let base = HTTPURL("http://192.168.1.10:49152/dev/description.xml")!
        func isUsable(_ url: HTTPURL) -> Bool {
            url.path.hasPrefix("/") && (1...65535).contains(url.port) && !url.host.isEmpty
                && HTTPURL(url.description) == url
        }
        switch selector % 5 {
        case 0:
            guard let response = SSDPSearchResponse(parsing: rest) else { return true }
            return isUsable(response.location) && response.usn.hasPrefix(response.udn)
        case 1:
            let text = String(decoding: rest, as: UTF8.self)
            if let url = HTTPURL(text), !isUsable(url) { return false }
            if let resolved = base.resolving(text), !isUsable(resolved) { return false }
            return true
        case 2:
            guard let description = try? RemoteDeviceDescription(parsing: rest, location: base) else { return true }
            let services = description.devices.flatMap(\.services)
            return description.devices.first == description.root
                && services.allSatisfy { isUsable($0.controlURL) && isUsable($0.eventSubURL) && isUsable($0.scpdURL) }
        case 3:
            _ = try? SOAPActionResponse.outArguments(rest, action: "Act")
            if let fault = try? SOAPActionResponse.fault(rest), fault.error.description.count > 256 { return false }
            return true
        default:
            _ = try? PropertySet.parse(rest)
            return true
        }
    }
}
