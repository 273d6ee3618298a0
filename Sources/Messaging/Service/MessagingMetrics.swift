import CoreMetrics

/// What the service counts, through swift-metrics' API (the backend is the caller's choice). Made with the service,
/// so that every series exists (at 0) before its first event.
struct MessagingMetrics: Sendable {
    /// `messaging_messages_received_total`: messages the mirror created from what the network delivered, directly
    /// or through the modem's storage (a concatenated message counts once, when it is first shown; `STO SENT`
    /// messages imported into Sent are not received ones).
    let messagesReceived: Counter
    /// `messaging_messages_sent_total`: messages whose every part the service centre accepted (moved to Sent).
    let messagesSent: Counter
    /// `messaging_messages_failed_total`: messages marked failed for good (a permanent refusal, or the last allowed
    /// attempt).
    let messagesFailed: Counter
    /// `messaging_send_attempts_failed_total`: send attempts that failed, retried or not.
    let sendAttemptsFailed: Counter
    /// `messaging_mirror_passes_total{result="ok"}`: mirror passes over every storage that completed.
    let mirrorPasses: Counter
    /// `messaging_mirror_passes_total{result="failed"}`: mirror passes that failed (and are retried with back-off).
    let failedMirrorPasses: Counter

    init(factory: any MetricsFactory) {
        messagesReceived = Counter(label: "messaging_messages_received_total", factory: factory)
        messagesSent = Counter(label: "messaging_messages_sent_total", factory: factory)
        messagesFailed = Counter(label: "messaging_messages_failed_total", factory: factory)
        sendAttemptsFailed = Counter(label: "messaging_send_attempts_failed_total", factory: factory)
        mirrorPasses = Counter(label: "messaging_mirror_passes_total", dimensions: [("result", "ok")], factory: factory)
        failedMirrorPasses = Counter(
            label: "messaging_mirror_passes_total",
            dimensions: [("result", "failed")],
            factory: factory
        )
    }
}
