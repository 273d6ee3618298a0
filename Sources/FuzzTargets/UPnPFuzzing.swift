internal import UPnP

/// FuzzSSDP, FuzzHTTPHeaders and FuzzUPnPClient: the UPnP parsers, whose invariants ``UPnPFuzzTargets`` checks inside
/// the UPnP module (they are internal there).
enum UPnPFuzzing {
    /// SSDP datagram parsing, M-SEARCH validation and answers. An odd first byte puts the rest behind a valid
    /// M-SEARCH start, so that the fuzzer reaches validation and answering instead of spending most inputs on the
    /// start line.
    static func ssdp(_ input: [UInt8]) -> FuzzOutcome {
        guard let first = input.first else { return .checked }
        var bytes = input
        if first & 1 == 1 {
            let prefix = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
            bytes = Array(prefix.utf8) + input.dropFirst()
        }
        precondition(UPnPFuzzTargets.ssdp(bytes), "SSDP invariant broken")
        return .checked
    }

    static let ssdpSamples: [[UInt8]] = [
        Array(
            "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n"
                .utf8
        )
    ]

    /// SOAPACTION, CALLBACK, TIMEOUT, Host, SID, content type and IP addresses, one per line of the input.
    static func httpHeaders(_ bytes: [UInt8]) -> FuzzOutcome {
        guard !bytes.isEmpty else { return .checked }
        precondition(UPnPFuzzTargets.httpHeaders(bytes), "HTTP header invariant broken")
        return .checked
    }

    static let httpHeaderSamples: [[UInt8]] = [
        Array(
            "\"urn:schemas-upnp-org:service:Messaging:2#ReadMessage\"\n<http://192.168.1.5:4004/e>\nSecond-1800\n"
                .utf8
        ) + Array("[::1]:80\nuuid:1\ntext/xml; charset=\"utf-8\"\n::ffff:10.0.0.1".utf8)
    ]

    /// What a device sends a control point, the parser chosen by the first byte.
    static func client(_ bytes: [UInt8]) -> FuzzOutcome {
        guard !bytes.isEmpty else { return .checked }
        precondition(UPnPFuzzTargets.client(bytes), "UPnP client invariant broken")
        return .checked
    }

    /// One input per parser.
    static let clientSamples: [[UInt8]] = [
        "\u{0}HTTP/1.1 200 OK\r\nLOCATION: http://127.0.0.1:1/d.xml\r\nST: upnp:rootdevice\r\nUSN: uuid:a\r\n\r\n",
        "\u{1}../upnp/control", "\u{2}<root><device><deviceType>t</deviceType><UDN>uuid:a</UDN></device></root>",
        "\u{3}<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>",
        "\u{4}<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\"/>",
    ].map { Array($0.utf8) }
}
