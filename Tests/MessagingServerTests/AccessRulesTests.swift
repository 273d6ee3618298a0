import Messaging
import MessagingServer
import Testing
import UPnP

/// ``AccessRules``: control subnets may do everything, read-only subnets only read, everyone else nothing; the UPnP
/// stack and the Messaging service decide alike.
@Suite struct AccessRulesTests {
    // Safe to force unwrap: literal subnets.
    static let rules = AccessRules(
        control: [IPSubnet("192.168.1.0/24")!, IPSubnet("::1")!],
        readOnly: [IPSubnet("192.168.0.0/16")!]
    )

    @Test func theMessagingPolicyGrantsBySubnet() {
        let policy = Self.rules.messagingPolicy
        let controller = Caller(address: "192.168.1.20")
        let reader = Caller(address: "192.168.7.3")
        let stranger = Caller(address: "10.0.0.5")
        for action in MessagingAction.allCases {
            #expect(policy.isAllowed(action, controller))
            #expect(policy.isAllowed(action, .local))
            #expect(policy.isAllowed(action, Caller(address: "::1")))
            #expect(policy.isAllowed(action, reader) == AccessRules.readActions.contains(action), "\(action)")
            #expect(!policy.isAllowed(action, stranger))
            #expect(!policy.isAllowed(action, Caller(address: "not an address")))
        }
        #expect(!policy.isAllowed(.sendMessage, reader) && !policy.isAllowed(.deleteMessage, reader))
        #expect(policy.isAllowed(.readMessage, reader) && policy.isAllowed(.getNewMessages, reader))
        #expect(policy.mayReadOverviews(controller) && policy.mayReadOverviews(reader))
        #expect(!policy.mayReadOverviews(stranger))
    }

    @Test func theUPnPPolicyDecidesTheSame() throws {
        let policy = Self.rules.upnpPolicy
        let controller = try #require(IPAddress("192.168.1.20"))
        let reader = try #require(IPAddress("192.168.7.3"))
        let stranger = try #require(IPAddress("10.0.0.5"))
        for action in MessagingAction.allCases {
            #expect(policy.allows(controller, action: action.rawValue))
            #expect(policy.allows(reader, action: action.rawValue) == AccessRules.readActions.contains(action))
            #expect(!policy.allows(stranger, action: action.rawValue))
        }
        #expect(policy.allowsClient(reader) && !policy.allowsClient(stranger))
        #expect(policy.rule(for: controller)?.isTrusted == true)
    }
}
