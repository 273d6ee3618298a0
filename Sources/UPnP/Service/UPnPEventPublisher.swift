import Synchronization

/// The channel through which a service publishes changes of its evented state variables (UDA 1.1 §4.3).
///
/// A service creates one, exposes it as ``UPnPServiceHandler/events``, and calls ``publish(_:)`` whenever an evented
/// variable changes. The ``UPnPDevice`` that serves the service attaches to it; the device then queues a NOTIFY
/// for every subscriber, in the order published. Before a device attaches, or
/// after it stopped, publishing does nothing: a later subscriber gets current values in its initial event anyway.
public final class UPnPEventPublisher: Sendable {
    /// The attached device's event hub; a `Mutex` because publishers are called from any task.
    private let sink = Mutex<(any UPnPEventSink)?>(nil)

    /// Makes a publisher that is not attached to a device yet.
    public init() {}

    /// Publishes changed values of evented state variables.
    ///
    /// Returns once the change is queued for every current subscriber (not when it is delivered). Names that the
    /// SCPD does not mark `sendEvents="yes"` are dropped with a log message.
    ///
    /// - Parameter changes: variable names and their new values (text; XML values as plain, unescaped text).
    public func publish(_ changes: [(name: String, value: String)]) async {
        guard !changes.isEmpty, let sink = sink.withLock({ $0 }) else { return }
        await sink.publish(changes)
    }

    /// Attaches the device's hub (the device calls this; the last attach wins).
    func attach(_ newSink: any UPnPEventSink) {
        sink.withLock { $0 = newSink }
    }

    /// Detaches it when the device stops.
    func detach() {
        sink.withLock { $0 = nil }
    }
}

/// Where a publisher's changes go: one per service of a running device.
protocol UPnPEventSink: Sendable {
    func publish(_ changes: [(name: String, value: String)]) async
}
