/// What one value of an evented state variable stands for, which decides what the stack may do with values that a
/// subscriber has not received yet.
///
/// The stack does not moderate: every value a service publishes becomes one NOTIFY for each subscriber, in the order
/// published (a service that must not event faster than some rate publishes no faster, UDA 1.1 §4.3). The kind
/// matters only when a subscriber falls behind and its queue reaches ``UPnPLimits/maximumQueuedEvents``.
public enum UPnPEventedValueKind: Sendable, Hashable {
    /// Each value is the variable's whole state (UDA 1.1 §4.3.2: the NOTIFY carries the new value). A later value
    /// makes an undelivered earlier one obsolete, so a subscriber that is behind may receive only the latest.
    case state
    /// Each value is one batch of changes that the next value does not repeat (UPnP AV `LastChange`, Messaging:2
    /// `SessionUpdates`). Every value is delivered, in the order published. A subscriber whose queue would have to
    /// drop or merge a batch is unsubscribed instead, with a log message: it learns so at its next renewal
    /// (412 Precondition Failed, UDA 1.1 §4.1.3), subscribes again and gets the current values in the initial event.
    case batch
}
