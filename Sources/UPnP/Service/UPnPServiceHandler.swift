/// A UPnP service that plugs into a ``UPnPDevice``: its identity, its SCPD, its actions and its evented state.
///
/// The device stack does the protocol work: it serves the SCPD, parses the SOAP request, checks the SOAPACTION,
/// the action name and the in-arguments against the SCPD (401/402), applies the access policy (606), calls
/// ``invoke(action:arguments:context:)``, writes the response with the out-arguments in SCPD order (unqualified,
/// values as escaped text, UDA 1.1 §3.2.2), and turns a thrown ``UPnPActionError`` into a UDA fault. For eventing,
/// the service publishes changes through ``events``; the stack keeps the GENA subscriptions and NOTIFYs every
/// subscriber in order. The stack does not moderate: a service whose standard limits the event rate of a variable
/// publishes it no faster (UDA 1.1 §4.3), and declares in ``eventedValueKinds`` which variables carry batches.
///
/// The stack knows nothing of the service's domain: argument values are strings exactly as on the wire (after XML
/// unescaping), and XML-valued arguments are just text for the stack.
public protocol UPnPServiceHandler: Sendable {
    /// The service type, e.g. `urn:schemas-upnp-org:service:Messaging:2` (UDA 1.1 §2.3). Its version is the highest
    /// the service implements; searches and SOAPACTIONs naming a lower version of the same type are served.
    var serviceType: String { get }

    /// The service identifier, e.g. `urn:upnp-org:serviceId:Messaging`; unique within the device.
    var serviceID: String { get }

    /// The service description (SCPD, UDA 1.1 §2.5) as XML text. The stack parses it once at start (a malformed SCPD
    /// fails the device's `run()`), serves it with its root `configId` attribute set to the device's CONFIGID, and
    /// uses its action list (argument names, directions, order) and its `sendEvents="yes"` variables.
    var scpdXML: String { get }

    /// Where the service publishes changes of its evented state variables. Create one per service and keep it; the
    /// device attaches to it when it is constructed.
    var events: UPnPEventPublisher { get }

    /// What the values of each evented variable stand for (``UPnPEventedValueKind``): whole states, of which a
    /// subscriber that is behind may receive only the latest, or batches, every one of which is delivered in order.
    /// Variables missing here are states. Every name must be an evented variable of the SCPD (checked when the
    /// device is constructed). Read once, when the device is constructed. Default: every variable is a state.
    var eventedValueKinds: [String: UPnPEventedValueKind] { get }

    /// Other spellings of in-argument names that the service accepts, each mapped to the SCPD's name. A standard
    /// that spells an argument two ways (Messaging:2 names `SupportedContentType` in its SCPD and
    /// `SupportedContentTypes` in its text) is then read liberally: the stack renames before it checks the
    /// arguments against the SCPD, so ``invoke(action:arguments:context:)`` only ever sees SCPD names. Read once,
    /// when the device is constructed. Default: none.
    var argumentAliases: [String: String] { get }

    /// Runs one action.
    ///
    /// - Parameters:
    ///   - action: the action name, already checked against the SCPD.
    ///   - arguments: the in-arguments in SCPD order, exactly the SCPD's in-arguments of the action (402 is sent for
    ///     missing, unknown or duplicate names before this is called), values unescaped.
    ///   - context: who is calling.
    /// - Returns: the out-arguments. The stack sends them in SCPD order whatever order they come in; a missing or
    ///   unknown out-argument is a service bug and is answered with 501 Action Failed (and logged).
    /// - Throws: ``UPnPActionError`` with a UDA or service-specific code; it becomes a UPnP fault.
    func invoke(
        action: String,
        arguments: [(name: String, value: String)],
        context: UPnPActionContext
    ) async throws(UPnPActionError) -> [(name: String, value: String)]

    /// The current values of all evented state variables, for the initial event to a new subscriber (SEQ 0,
    /// UDA 1.1 §4.2.1: "all evented variables"). Variables missing here are left out of the initial event.
    func currentEventedValues() async -> [(name: String, value: String)]
}

extension UPnPServiceHandler {
    /// Every evented variable is a state unless the service says otherwise.
    public var eventedValueKinds: [String: UPnPEventedValueKind] { [:] }

    /// No aliases unless the service says otherwise.
    public var argumentAliases: [String: String] { [:] }
}
