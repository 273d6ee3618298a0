import Logging
import NIOHTTP1

/// One service as the HTTP side serves it. A class: the router walks its services for every request, and a copy of
/// a reference is one retain where a copy of the fields is one per field.
final class ServedService: Sendable {
    let index: Int
    let handler: any UPnPServiceHandler
    let description: ServiceDescription
    let paths: DeviceDescription.ServicePaths
    /// The SCPD with the device's configId.
    let scpdBody: [UInt8]
    /// The handler's ``UPnPServiceHandler/argumentAliases``, read once: an implementation may build the dictionary
    /// on every call (a computed property), and it is consulted for every action.
    let argumentAliases: [String: String]

    init(
        index: Int,
        handler: any UPnPServiceHandler,
        description: ServiceDescription,
        paths: DeviceDescription.ServicePaths,
        scpdBody: [UInt8],
        argumentAliases: [String: String]
    ) {
        self.index = index
        self.handler = handler
        self.description = description
        self.paths = paths
        self.scpdBody = scpdBody
        self.argumentAliases = argumentAliases
    }
}

/// Answers every HTTP request of the device: description, SCPD, SOAP control and GENA (UDA 1.1 §2, §3, §4), with
/// the security rules in front (Host check, access policy, CallStranger rule).
///
/// No socket code: it maps a ``UPnPHTTPRequest`` to a ``UPnPHTTPResponse``, so that every rule is tested directly.
/// A class, because every request hands it to a task: one retain rather than one per field.
final class UPnPRequestRouter: Sendable {
    let services: [ServedService]
    let descriptionBody: [UInt8]
    /// Configured host names, lower-cased.
    let hostNames: Set<String>
    let policy: UPnPAccessPolicy
    let limits: UPnPLimits
    /// The SERVER header value.
    let server: String
    let hub: GENAHub
    /// The configuration's ``UPnPDeviceConfiguration/extraRoutes`` by path.
    let extraRoutes: [String: UPnPHTTPRoute]
    let metrics: UPnPMetrics
    let logger: Logger

    init(
        services: [ServedService],
        descriptionBody: [UInt8],
        hostNames: Set<String>,
        policy: UPnPAccessPolicy,
        limits: UPnPLimits,
        server: String,
        hub: GENAHub,
        extraRoutes: [String: UPnPHTTPRoute],
        metrics: UPnPMetrics,
        logger: Logger
    ) {
        self.services = services
        self.descriptionBody = descriptionBody
        self.hostNames = hostNames
        self.policy = policy
        self.limits = limits
        self.server = server
        self.hub = hub
        self.extraRoutes = extraRoutes
        self.metrics = metrics
        self.logger = logger
    }

    static let xmlContentType = "text/xml; charset=\"utf-8\""

    // MARK: - Checks on the head alone (before the body is read)

    /// Rejects a request before its body is read: oversize header block (431), declared body over the limit (413),
    /// a Host header that names neither the listening address nor a configured name (400, DNS rebinding).
    /// `localHost` is ``hostHeader(_:port:)`` of the connection's address, computed once per connection.
    func precheck(
        _ head: HTTPRequestHead,
        fields: UPnPRequestFields,
        local: IPAddress,
        localPort: Int,
        localHost: String? = nil
    ) -> UPnPHTTPResponse? {
        guard fields.headerBytes <= limits.maximumHeaderBytes else {
            return .status(.requestHeaderFieldsTooLarge, close: true)
        }
        switch fields.contentLength {
        case .absent:
            break
        case .repeated:
            return .status(.badRequest, close: true)
        case .once(let length):
            guard let value = Int(length), value >= 0 else { return .status(.badRequest, close: true) }
            if value > limits.maximumRequestBodyBytes { return .status(.payloadTooLarge, close: true) }
            // An extra route's own, smaller bound: refused before the body is read (a method the route does not
            // answer gets its 405 once the request is complete).
            if value > 0, !extraRoutes.isEmpty,
                let route = extraRoutes[String(head.uri.split(separator: "?", maxSplits: 1)[0])],
                route.methods.contains(head.method.rawValue), value > route.maximumBodyBytes
            {
                return .status(.payloadTooLarge, close: true)
            }
        }
        guard
            isAllowedHost(
                fields.host,
                version: head.version,
                local: local,
                localPort: localPort,
                localHost: localHost
            )
        else {
            return .status(.badRequest, close: true)
        }
        return nil
    }

    /// RFC 7230 §5.4: exactly one Host in HTTP/1.1. Its host must be the address the connection arrived at (IPv6 in
    /// brackets) or a configured name, and a port, if given, the listening port: a page that reached us through a
    /// rebound DNS name carries that name and is refused.
    func isAllowedHost(
        _ host: UPnPRequestFields.Occurrence,
        version: HTTPVersion,
        local: IPAddress,
        localPort: Int,
        localHost: String? = nil
    ) -> Bool {
        let value: String
        switch host {
        case .repeated: return false
        case .absent: return version.major == 1 && version.minor == 0
        case .once(let once): value = once
        }
        // What control points send (the URL's authority from LOCATION): exactly the form the parse below accepts
        // for this address and port, so the byte comparison answers for it without parsing on every request.
        if let localHost, value == localHost { return true }
        guard let (host, port) = UPnPHeaderParsing.host(value) else { return false }
        if let port, port != localPort { return false }
        if let address = IPAddress(host) { return address == local }
        return hostNames.contains(host.lowercased())
    }

    /// The Host value naming `address` and `port`: `a.b.c.d:port` or `[v6]:port` (RFC 7230 §5.4, RFC 3986 §3.2.2).
    static func hostHeader(_ address: IPAddress, port: Int) -> String {
        switch address {
        case .v4: "\(address):\(port)"
        case .v6: "[\(address)]:\(port)"
        }
    }

    // MARK: - Routing

    /// Answers a complete request.
    func respond(
        to request: UPnPHTTPRequest,
        isolation: isolated (any Actor)? = #isolation
    ) async -> UPnPHTTPResponse {
        guard policy.allowsClient(request.client) else { return .status(.forbidden) }
        let uri = request.head.uri
        let path = uri[..<(uri.utf8.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex)]
        let method = request.head.method
        if path == DeviceDescription.path {
            return document(descriptionBody, method: method)
        }
        if let route = extraRoutes[String(path)] {
            return await answer(request, route: route)
        }
        for service in services {
            switch path {
            case service.paths.scpd:
                return document(service.scpdBody, method: method)
            case service.paths.control:
                guard method == .POST else { return methodNotAllowed("POST") }
                return await control(request, service: service)
            case service.paths.event:
                // NIO parses these into named cases (.SUBSCRIBE); compare the wire text to cover both forms.
                switch method.rawValue {
                case "SUBSCRIBE": return await subscribe(request, service: service)
                case "UNSUBSCRIBE": return await unsubscribe(request, service: service)
                default: return methodNotAllowed("SUBSCRIBE, UNSUBSCRIBE")
                }
            default:
                continue
            }
        }
        return .status(.notFound)
    }

    private func document(_ body: [UInt8], method: HTTPMethod) -> UPnPHTTPResponse {
        guard method == .GET || method == .HEAD else { return methodNotAllowed("GET, HEAD") }
        return UPnPHTTPResponse(status: .ok, headers: [("Content-Type", UPnPRequestRouter.xmlContentType)], body: body)
    }

    /// An extra route: the methods it declares, a body within its bound, handed to its handler with the client's
    /// address and the header fields.
    private func answer(
        _ request: UPnPHTTPRequest,
        route: UPnPHTTPRoute,
        isolation: isolated (any Actor)? = #isolation
    ) async -> UPnPHTTPResponse {
        let method = request.head.method
        guard route.methods.contains(method.rawValue) else { return methodNotAllowed(route.allowHeader) }
        // A chunked body declares no length: its bound is checked once it is read.
        guard request.body.count <= route.maximumBodyBytes else { return .status(.payloadTooLarge, close: true) }
        let target = request.head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let response = await route.handler(
            UPnPHTTPRoute.Request(
                method: method.rawValue,
                path: String(target[0]),
                query: target.count > 1 ? String(target[1]) : nil,
                client: request.client,
                headers: request.head.headers.map { (name: $0.name, value: $0.value) },
                body: request.body
            )
        )
        let status =
            (100...599).contains(response.status)
            ? HTTPResponseStatus(statusCode: response.status) : .internalServerError
        return UPnPHTTPResponse(
            status: status,
            headers: response.headers,
            body: response.body,
            stream: response.stream
        )
    }

    private func methodNotAllowed(_ allow: String) -> UPnPHTTPResponse {
        UPnPHTTPResponse(status: .methodNotAllowed, headers: [("Allow", allow)])
    }

    // MARK: - SOAP control (UDA 1.1 §3.2)

    private func control(
        _ request: UPnPHTTPRequest,
        service: ServedService,
        isolation: isolated (any Actor)? = #isolation
    ) async -> UPnPHTTPResponse {
        let fields = request.fields
        // UDA 1.1 §3.2.1: CONTENT-TYPE text/xml; charset="utf-8". Anything else is not ours to parse.
        guard let contentType = fields.contentType.value, UPnPRequestRouter.isXMLUTF8(contentType) else {
            return .status(.unsupportedMediaType)
        }
        guard let value = fields.soapAction.value, let soapAction = UPnPHeaderParsing.soapAction(value) else {
            return .status(.badRequest)
        }
        guard SSDPAdvertisement.type(soapAction.serviceType, isServedBy: service.handler.serviceType) else {
            return fault(.invalidAction("Invalid Action: not this service's type"), action: nil)
        }
        let envelope: SOAPActionRequest
        do {
            envelope = try SOAPActionRequest(
                parsing: request.body,
                limits: SOAPActionRequest.limits(maximumBytes: limits.maximumRequestBodyBytes)
            )
        } catch {
            logger.debug("upnp.soap unparseable request", metadata: ["error": "\(error)"])
            return fault(.invalidArgs("Invalid Args: malformed SOAP request"), action: nil)
        }
        guard envelope.actionName == soapAction.action, envelope.serviceType == soapAction.serviceType else {
            return fault(.invalidAction("Invalid Action: body and SOAPACTION disagree"), action: nil)
        }
        guard let action = service.description.actions[soapAction.action] else {
            return fault(.invalidAction(), action: nil)
        }
        guard policy.allows(request.client, action: action.name) else {
            logger.info("upnp.soap action denied by policy", metadata: ["upnp.action": "\(action.name)"])
            return fault(.actionNotAuthorized(), action: action.name)
        }
        let arguments: [(name: String, value: String)]
        let aliases = service.argumentAliases
        let given =
            aliases.isEmpty
            ? envelope.arguments : envelope.arguments.map { (name: aliases[$0.name] ?? $0.name, value: $0.value) }
        switch UPnPRequestRouter.orderedArguments(given, expected: action.inArguments) {
        case .success(let ordered): arguments = ordered
        case .failure(let error): return fault(error, action: action.name)
        }
        let context = UPnPActionContext(
            clientAddress: request.client,
            requestedServiceType: soapAction.serviceType,
            userAgent: fields.userAgent,
            isTrusted: policy.rule(for: request.client)?.isTrusted ?? false,
            baseURL: "http://"
                + (request.localHost ?? UPnPRequestRouter.hostHeader(request.local, port: request.localPort))
        )
        let results: [(name: String, value: String)]
        do {
            results = try await service.handler.invoke(action: action.name, arguments: arguments, context: context)
        } catch {
            return fault(error, action: action.name)
        }
        guard
            case .success(let outArguments) = UPnPRequestRouter.orderedArguments(results, expected: action.outArguments)
        else {
            logger.error(
                "upnp.soap service returned out-arguments that differ from its SCPD",
                metadata: ["upnp.action": "\(action.name)", "upnp.args": "\(results.map(\.name))"]
            )
            return fault(.actionFailed(), action: action.name)
        }
        metrics.actionAnswered(action.name, faultCode: nil)
        return UPnPHTTPResponse(
            status: .ok,
            headers: [("Content-Type", UPnPRequestRouter.xmlContentType), ("EXT", "")],
            body: SOAPResponseWriter.response(
                action: action.name,
                serviceType: soapAction.serviceType,
                arguments: outArguments
            )
        )
    }

    /// A SOAP fault, counted under the action's SCPD name (`nil` before the request named a declared action).
    private func fault(_ error: UPnPActionError, action: String?) -> UPnPHTTPResponse {
        metrics.actionAnswered(action, faultCode: error.code)
        return UPnPHTTPResponse(
            status: .internalServerError,
            headers: [("Content-Type", UPnPRequestRouter.xmlContentType), ("EXT", "")],
            body: SOAPResponseWriter.fault(error)
        )
    }

    /// Arguments put in SCPD order. Any order is accepted (liberal), but each expected name exactly once and no
    /// other name; else 402 Invalid Args (UDA 1.1 Table 3-3).
    static func orderedArguments(
        _ given: [(name: String, value: String)],
        expected: [String]
    ) -> Result<[(name: String, value: String)], UPnPActionError> {
        // By position in `expected`, not through a dictionary: an action has a handful of arguments, and this runs
        // twice for every action.
        // What control points send and services return: every name once, in SCPD order.
        if given.count == expected.count, zip(given, expected).allSatisfy({ $0.name == $1 }) { return .success(given) }
        var values = [String?](repeating: nil, count: expected.count)
        for argument in given {
            var known = false
            for position in expected.indices where expected[position] == argument.name {
                guard values[position] == nil else {
                    return .failure(.invalidArgs("Invalid Args: duplicate argument \(argument.name)"))
                }
                values[position] = argument.value
                known = true
            }
            guard known else {
                return .failure(.invalidArgs("Invalid Args: unknown argument \(argument.name.prefix(64))"))
            }
        }
        var ordered: [(name: String, value: String)] = []
        ordered.reserveCapacity(expected.count)
        for (name, value) in zip(expected, values) {
            guard let value else {
                return .failure(.invalidArgs("Invalid Args: missing argument \(name)"))
            }
            ordered.append((name, value))
        }
        return .success(ordered)
    }

    /// `text/xml` with no charset or charset utf-8 (quoted or not, any case).
    static func isXMLUTF8(_ value: String) -> Bool {
        // Over the contiguous UTF-8 bytes with ASCII case folding, by index, without lower-cased copies or arrays of
        // the parts: checked for every action. Empty parts (`;;`) are skipped.
        var value = value
        return value.withUTF8 { bytes in
            var rest = bytes[...]
            var sawMediaType = false
            while !rest.isEmpty {
                let end = rest.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
                let part = rest[..<end]
                rest = rest[min(end + 1, rest.endIndex)...]
                if part.isEmpty { continue }
                guard sawMediaType else {
                    guard UPnPHeaderParsing.equalsIgnoringASCIICase(UPnPHeaderParsing.trimmingBlanks(part), "text/xml")
                    else { return false }
                    sawMediaType = true
                    continue
                }
                // A parameter: a name and a value, neither empty.
                guard let equals = part.firstIndex(of: UInt8(ascii: "=")), equals + 1 != part.endIndex else {
                    return false
                }
                let name = UPnPHeaderParsing.trimmingBlanks(part[..<equals])
                guard !name.isEmpty else { return false }
                guard UPnPHeaderParsing.equalsIgnoringASCIICase(name, "charset") else { continue }
                var charset = UPnPHeaderParsing.trimmingBlanks(part[(equals + 1)...])
                if charset.count >= 2, charset.first == UInt8(ascii: "\""), charset.last == UInt8(ascii: "\"") {
                    charset = charset.dropFirst().dropLast()
                }
                guard UPnPHeaderParsing.equalsIgnoringASCIICase(charset, "utf-8") else { return false }
            }
            return sawMediaType
        }
    }

    // MARK: - GENA (UDA 1.1 §4.1)

    private func subscribe(_ request: UPnPHTTPRequest, service: ServedService) async -> UPnPHTTPResponse {
        let headers = request.head.headers
        let sids = headers["sid"]
        let nts = headers["nt"]
        let callbacks = headers["callback"]
        let timeoutValues = headers["timeout"]
        let timeout = timeoutValues.count == 1 ? UPnPHeaderParsing.timeout(timeoutValues[0]) : nil
        if !sids.isEmpty {
            // UDA 1.1 §4.1.3: a renewal carries SID only; SID together with NT or CALLBACK is 400 Bad Request.
            guard nts.isEmpty, callbacks.isEmpty else { return .status(.badRequest) }
            guard sids.count == 1, let sid = UPnPHeaderParsing.sid(sids[0]) else { return .status(.preconditionFailed) }
            do {
                let granted = try await hub.renew(sid: sid, serviceIndex: service.index, timeout: timeout)
                return subscribed(sid: sid, timeout: granted, activate: false)
            } catch {
                return failure(error)
            }
        }
        // UDA 1.1 §4.1.2: NT must be upnp:event and CALLBACK present and valid, else 412 Precondition Failed.
        guard nts.count == 1, nts[0] == "upnp:event", callbacks.count == 1,
            let urls = UPnPHeaderParsing.callback(callbacks[0], maximumCount: limits.maximumCallbackURLs)
        else { return .status(.preconditionFailed) }
        // CallStranger (CVE-2020-12695; UDA 2.0 §4.1.2): events go only to the host that subscribed.
        guard urls.allSatisfy({ $0.host == request.client }) else {
            logger.info("upnp.gena refused a CALLBACK to another host")
            return .status(.preconditionFailed)
        }
        do {
            let (sid, granted) = try await hub.subscribe(
                serviceIndex: service.index,
                subscriber: request.client,
                callbacks: urls,
                timeout: timeout
            )
            return subscribed(sid: sid, timeout: granted, activate: true)
        } catch {
            return failure(error)
        }
    }

    private func unsubscribe(_ request: UPnPHTTPRequest, service: ServedService) async -> UPnPHTTPResponse {
        let headers = request.head.headers
        let sids = headers["sid"]
        guard headers["nt"].isEmpty, headers["callback"].isEmpty else { return .status(.badRequest) }
        guard sids.count == 1, let sid = UPnPHeaderParsing.sid(sids[0]) else { return .status(.preconditionFailed) }
        do {
            try await hub.unsubscribe(sid: sid, serviceIndex: service.index)
            return .status(.ok)
        } catch {
            return failure(error)
        }
    }

    private func subscribed(sid: String, timeout: Duration, activate: Bool) -> UPnPHTTPResponse {
        UPnPHTTPResponse(
            status: .ok,
            headers: [("SID", sid), ("TIMEOUT", "Second-\(timeout.components.seconds)")],
            afterSent: activate ? .activateSubscription(sid: sid) : nil
        )
    }

    private func failure(_ error: SubscriptionTable.Failure) -> UPnPHTTPResponse {
        switch error {
        case .unknownSID: .status(.preconditionFailed)
        case .tooManySubscriptions: .status(.serviceUnavailable)
        }
    }
}
