import Logging
import NIOCore
import NIOEmbedded
@_spi(Benchmarking) import UPnP

#if canImport(Glibc)
import Glibc
#endif

/// Usage: upnp-bench-server RESPONSE_VALUE_FILE [SSDP_PORT]   (SSDP port default 0: a free one)
/// Serves urn:schemas-upnp-org:service:Messaging:2 on lo with one action, ReadMessage(MessageID) →
/// MessageRequested, whose value is the file's text (sent escaped, as the real service does). Prints
/// `port N` once listening; runs until killed.
///
/// Usage: upnp-bench-server --micro-request RESPONSE_VALUE_FILE [COUNT]
/// Sends COUNT (default 200,000) ReadMessage requests through one connection's handlers on an `EmbeddedChannel`,
/// with no socket, and prints the time per request: the part of the cost that is ours and NIO's, without the kernel
/// and the scheduler, steady enough to compare two builds.

/// The benchmark's service: a fixed answer, so that the numbers measure the stack, not a database.
struct FixedReadMessageService: UPnPServiceHandler {
    let serviceType = "urn:schemas-upnp-org:service:Messaging:2"
    let serviceID = "urn:upnp-org:serviceId:Messaging"
    let events = UPnPEventPublisher()
    let value: String
    let scpdXML = """
        <?xml version="1.0" encoding="utf-8"?>
        <scpd xmlns="urn:schemas-upnp-org:service-1-0"><specVersion><major>1</major><minor>1</minor></specVersion>
        <actionList><action><name>ReadMessage</name><argumentList>
        <argument><name>MessageID</name><direction>in</direction><relatedStateVariable>A_ARG_TYPE_MessageID</relatedStateVariable></argument>
        <argument><name>MessageRequested</name><direction>out</direction><relatedStateVariable>A_ARG_TYPE_Message</relatedStateVariable></argument>
        </argumentList></action></actionList>
        <serviceStateTable>
        <stateVariable sendEvents="no"><name>A_ARG_TYPE_MessageID</name><dataType>string</dataType></stateVariable>
        <stateVariable sendEvents="no"><name>A_ARG_TYPE_Message</name><dataType>string</dataType></stateVariable>
        </serviceStateTable></scpd>
        """

    func invoke(
        action: String,
        arguments: [(name: String, value: String)],
        context: UPnPActionContext
    ) async throws(UPnPActionError) -> [(name: String, value: String)] {
        guard arguments.first?.value == "M000123" else {
            throw UPnPActionError(code: 701, description: "Invalid Message ID")
        }
        return [("MessageRequested", value)]
    }

    func currentEventedValues() async -> [(name: String, value: String)] { [] }
}

let arguments = CommandLine.arguments
if arguments.count == 2, arguments[1] == "--micro-xml" {
    // Cost of parsing one SOAP request with the hardened parser, for reading the macro numbers.
    let request = Array(
        #"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:ReadMessage xmlns:u="urn:schemas-upnp-org:service:Messaging:2"><MessageID>M000123</MessageID></u:ReadMessage></s:Body></s:Envelope>"#
            .utf8
    )
    let clock = ContinuousClock()
    let iterations = 20_000
    var names = 0
    let elapsed = try clock.measure {
        for _ in 0..<iterations { names += try XMLDocumentParser.parse(request).name.utf8.count }
    }
    print("XMLDocumentParser.parse: \(elapsed / iterations) per request (\(names))")
    exit(0)
}
/// The file's text, or nil when it cannot be read.
func readValue(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

func makeDevice(value: String, ssdpPort: Int) throws -> UPnPDevice {
    var logger = Logger(label: "upnp-bench-server")
    logger.logLevel = .warning
    let configuration = UPnPDeviceConfiguration(
        deviceType: "urn:schemas-upnp-org:device:TelephonyServer:2",
        friendlyName: "bench",
        udn: UPnPDeviceConfiguration.makeUDN(),
        manufacturer: "ModemMessaging",
        modelName: "bench",
        services: [FixedReadMessageService(value: value)],
        interfaces: ["lo"],
        ssdpPort: ssdpPort,
        limits: {
            // wrk opens all its connections from 127.0.0.1. Under the default share (16 per address) every
            // connection past the 16th evicts one of its siblings between two requests, and the run measures
            // reconnections.
            var limits = UPnPLimits()
            limits.maximumConnections = 1024
            limits.maximumConnectionsPerAddress = 1024
            return limits
        }()
    )
    return try UPnPDevice(configuration: configuration, logger: logger)
}

if arguments.count >= 3, arguments.count <= 4, arguments[1] == "--micro-request", let value = readValue(arguments[2]),
    let count = arguments.count == 4 ? Int(arguments[3]) : 200_000, count > 0
{
    let device = try makeDevice(value: value, ssdpPort: 0)
    let channel = EmbeddedChannel()
    channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 49152)
    try device.serveHTTPConnection(on: channel)
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50000)).wait()
    let body = Array(
        #"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:ReadMessage xmlns:u="urn:schemas-upnp-org:service:Messaging:2"><MessageID>M000123</MessageID></u:ReadMessage></s:Body></s:Envelope>"#
            .utf8
    )
    // The head wrk sends in scripts/bench-upnp.
    let head =
        "POST /upnp/Messaging/control HTTP/1.1\r\nHost: 127.0.0.1:49152\r\nContent-Length: \(body.count)\r\n"
        + "Content-Type: text/xml; charset=\"utf-8\"\r\n"
        + "SOAPACTION: \"urn:schemas-upnp-org:service:Messaging:2#ReadMessage\"\r\n\r\n"
    let request = ByteBuffer(bytes: Array(head.utf8) + body)
    func exchange(_ times: Int) throws {
        for _ in 0..<times {
            try channel.writeInbound(request)
            guard var response = try channel.readOutbound(as: ByteBuffer.self),
                response.readString(length: 15) == "HTTP/1.1 200 OK"
            else {
                print("the request was not answered with 200 OK")
                exit(1)
            }
        }
    }
    try exchange(count / 10)  // Warm-up: pooled parser contexts, caches.
    let clock = ContinuousClock()
    let elapsed = try clock.measure { try exchange(count) }
    let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    print(
        "micro-request: \(count) requests through the connection handlers, "
            + "\(Double(nanoseconds) / Double(count) / 1000) µs per request"
    )
    exit(0)
}
guard (2...3).contains(arguments.count), let value = readValue(arguments[1]),
    let ssdpPort = arguments.count == 3 ? Int(arguments[2]) : 0
else {
    print("usage: upnp-bench-server RESPONSE_VALUE_FILE [SSDP_PORT] | --micro-request RESPONSE_VALUE_FILE [COUNT]")
    exit(2)
}
let device = try makeDevice(value: value, ssdpPort: ssdpPort)
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await device.run() }
    let endpoints = try await device.waitUntilRunning()
    print("port \(endpoints.httpPort)")
    fflush(nil)  // All streams: `stdout` itself is shared mutable state to Swift 6.
    try await group.next()
}
