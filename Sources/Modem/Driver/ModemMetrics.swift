import CoreMetrics

/// What the driver counts, through swift-metrics' API (the backend is the caller's choice). Made when the driver
/// is, so that every series exists (at 0) before its first event.
struct ModemMetrics: Sendable {
    /// `modem_at_timeouts_total`: AT commands that got no final result before their deadline.
    let atTimeouts: Counter
    /// `modem_restarts_total`: power-on indications (`RDY`, `SMS Ready`…) after the driver's start-up, which the
    /// modem then needs again; those of its first boot, before the start-up, are not counted.
    let restarts: Counter

    init(factory: any MetricsFactory) {
        atTimeouts = Counter(label: "modem_at_timeouts_total", factory: factory)
        restarts = Counter(label: "modem_restarts_total", factory: factory)
    }
}
