/// Which control points may use the device, and which actions each may call.
///
/// Rules are checked in order; the first rule whose subnet contains the client's address decides. A client that
/// no rule covers may not use the device at all: its description, SCPD and SUBSCRIBE requests get 403 Forbidden,
/// and its actions get 606 Action not authorized (UDA 1.1 Table 3-3). A covered client may call the actions its rule
/// allows; others get 606.
public struct UPnPAccessPolicy: Sendable, Hashable {
    /// The actions a rule allows.
    public enum Actions: Sendable, Hashable {
        /// Every action of every service.
        case all
        /// Only these action names (of any service).
        case only(Set<String>)
        /// No action; the client may still read descriptions and subscribe to events.
        case noActions
    }

    /// One rule: a subnet and what its clients may do.
    public struct Rule: Sendable, Hashable {
        /// The clients this rule covers.
        public var subnet: IPSubnet
        /// The actions they may call.
        public var actions: Actions
        /// Whether the service may treat them as trusted for private data (``UPnPActionContext/isTrusted``).
        public var isTrusted: Bool

        /// Makes a rule.
        public init(subnet: IPSubnet, actions: Actions = .all, isTrusted: Bool = false) {
            self.subnet = subnet
            self.actions = actions
            self.isTrusted = isTrusted
        }
    }

    /// The rules, first match wins.
    public var rules: [Rule]

    /// Makes a policy from rules.
    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Every client may call every action (the default; the served interfaces already bound who can connect).
    public static let allowAll = UPnPAccessPolicy(rules: [
        Rule(subnet: .anyIPv4), Rule(subnet: .anyIPv6),
    ])

    /// The rule that covers `client`, if any.
    public func rule(for client: IPAddress) -> Rule? {
        rules.first { $0.subnet.contains(client) }
    }

    /// Whether `client` may use the device at all (descriptions, events).
    public func allowsClient(_ client: IPAddress) -> Bool {
        rule(for: client) != nil
    }

    /// Whether `client` may call `action`.
    public func allows(_ client: IPAddress, action: String) -> Bool {
        switch rule(for: client)?.actions {
        case .all: true
        case .only(let names): names.contains(action)
        case .noActions, nil: false
        }
    }
}
