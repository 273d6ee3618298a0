import CoreMetrics

/// What the device counts, through swift-metrics' API (the backend is the caller's choice):
/// `upnp_soap_actions_total{action, result}`: SOAP actions answered, by action name and result (`success`, or the
/// fault's UPnP error code, e.g. `606`). An action name the service does not declare counts as `unknown`, so that
/// clients cannot add label values.
struct UPnPMetrics: Sendable {
    static let soapActions = "upnp_soap_actions_total"
    static let unknownAction = "unknown"

    let factory: any MetricsFactory

    /// Counts one answered action; `faultCode` is `nil` for a success.
    func actionAnswered(_ action: String?, faultCode: Int?) {
        Counter(
            label: Self.soapActions,
            dimensions: [
                ("action", action ?? Self.unknownAction), ("result", faultCode.map { String($0) } ?? "success"),
            ],
            factory: factory
        ).increment()
    }
}
