/// What the stack knows about the request that invoked an action, for the service's own checks.
///
/// The stack has already applied the access policy (606) before calling the service; the context lets a service
/// make finer decisions (e.g. include private overviews only for some clients, messaging-v2.md I-28).
public struct UPnPActionContext: Sendable, Hashable {
    /// The IP address of the control point (the TCP peer of the control request).
    public var clientAddress: IPAddress
    /// The service type the control point named in SOAPACTION (its version may be lower than the service's).
    public var requestedServiceType: String
    /// The `USER-AGENT` header, if any (UDA 1.1 §3.2.1), bounded by the HTTP header limits.
    public var userAgent: String?
    /// Whether the access policy's rule for this client marks it as trusted for private data.
    public var isTrusted: Bool
    /// `http://host:port` of the connection's local end: the address this control point reaches the device at,
    /// against which the service makes its own links absolute (RFC 3986 §5.2), or `nil` when unknown.
    public var baseURL: String?

    /// Makes a context; the stack builds these, tests may too.
    public init(
        clientAddress: IPAddress,
        requestedServiceType: String,
        userAgent: String? = nil,
        isTrusted: Bool = false,
        baseURL: String? = nil
    ) {
        self.clientAddress = clientAddress
        self.requestedServiceType = requestedServiceType
        self.userAgent = userAgent
        self.isTrusted = isTrusted
        self.baseURL = baseURL
    }
}
