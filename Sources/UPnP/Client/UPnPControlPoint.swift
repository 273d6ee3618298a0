import NIOHTTP1

/// A control point's requests to one device: its description, a service's SCPD, SOAP actions (UDA 1.1 §2, §3).
///
/// Discovery is ``SSDPSearcher``; eventing is ``GENASubscriber`` with a ``GENACallbackServer``. All of them read the
/// network through the bounded ``UPnPHTTPClient``.
package struct UPnPControlPoint: Sendable {
    package var http: UPnPHTTPClient

    /// Largest SOAP answer read by default: an action's out-arguments may carry a long list (a Messaging:2
    /// `messageList` of a thousand messages is ~1 MiB).
    package static let defaultMaximumActionResponseBytes = 16 << 20

    package init(http: UPnPHTTPClient = UPnPHTTPClient()) {
        self.http = http
    }

    /// Fetches and reads the description at `location`; also returns the local address the connection used (the
    /// address at which the device reaches this host).
    /// - Throws: ``UPnPClientError``.
    package func description(at location: HTTPURL) async throws -> (RemoteDeviceDescription, IPAddress?) {
        let response = try await http.request(
            .GET,
            location,
            maximumResponseBytes: RemoteDeviceDescription.limits.maxDocumentBytes
        )
        guard response.status == .ok else {
            throw UPnPClientError(
                .unexpectedStatus,
                "GET \(location) answered \(response.status.code)",
                status: Int(response.status.code)
            )
        }
        return (try RemoteDeviceDescription(parsing: response.body, location: location), response.localAddress)
    }

    /// Fetches and reads a service's SCPD (UDA 1.1 §2.5): its actions with their arguments, its evented variables.
    /// - Throws: ``UPnPClientError``.
    package func serviceDescription(of service: RemoteDeviceDescription.Service) async throws -> ServiceDescription {
        let response = try await http.request(.GET, service.scpdURL, maximumResponseBytes: 256 * 1024)
        guard response.status == .ok else {
            throw UPnPClientError(
                .unexpectedStatus,
                "GET \(service.scpdURL) answered \(response.status.code)",
                status: Int(response.status.code)
            )
        }
        do {
            return try ServiceDescription(parsing: response.text)
        } catch {
            throw UPnPClientError(.malformedResponse, "\(error)")
        }
    }

    /// Invokes `action` of `service` with its in-arguments (in SCPD order) and returns its out-arguments.
    ///
    /// - Throws: ``UPnPActionError`` for a UPnP fault (HTTP 500 with a `UPnPError`: its code and description);
    ///   ``UPnPClientError`` for anything else (no connection, timeout, another status, a malformed answer).
    package func call(
        _ action: String,
        of service: RemoteDeviceDescription.Service,
        arguments: [(String, String)],
        maximumResponseBytes: Int = UPnPControlPoint.defaultMaximumActionResponseBytes
    ) async throws -> [(name: String, value: String)] {
        let response = try await http.request(
            .POST,
            service.controlURL,
            headers: SOAPActionRequest.headers(action: action, serviceType: service.serviceType),
            body: SOAPActionRequest.envelope(action: action, serviceType: service.serviceType, arguments: arguments),
            maximumResponseBytes: maximumResponseBytes
        )
        let limits = SOAPActionResponse.limits(maximumBytes: maximumResponseBytes)
        switch response.status {
        case .ok:
            return try SOAPActionResponse.outArguments(response.body, action: action, limits: limits)
        case .internalServerError:
            throw try SOAPActionResponse.fault(response.body, limits: limits).error
        default:
            throw UPnPClientError(
                .unexpectedStatus,
                "\(action) answered HTTP \(response.status.code)",
                status: Int(response.status.code)
            )
        }
    }
}
