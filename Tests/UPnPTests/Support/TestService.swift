import Synchronization

@testable import UPnP

/// A test double of a *service* (the stack under test is real): a few actions that exercise argument order,
/// faults and out-argument checks, and two evented variables.
final class TestService: UPnPServiceHandler {
    static let type = "urn:schemas-example-org:service:Test:2"
    static let id = "urn:example-org:serviceId:Test"

    let serviceType = TestService.type
    let serviceID = TestService.id
    let events = UPnPEventPublisher()
    let eventedValueKinds: [String: UPnPEventedValueKind]
    /// Every invocation, for assertions.
    let calls = Mutex<[(action: String, arguments: [(name: String, value: String)], context: UPnPActionContext)]>([])
    /// Current values of the evented variables.
    let state = Mutex<[(name: String, value: String)]>([("Counter", "0"), ("Note", "<a>&amp;</a>")])

    init(kinds: [String: UPnPEventedValueKind] = [:]) {
        self.eventedValueKinds = kinds
    }

    let scpdXML = """
        <?xml version="1.0" encoding="utf-8"?>
        <scpd xmlns="urn:schemas-upnp-org:service-1-0" configId="1">
          <specVersion><major>1</major><minor>1</minor></specVersion>
          <actionList>
            <action><name>Echo</name><argumentList>
              <argument><name>Text</name><direction>in</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
              <argument><name>Result</name><direction>out</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
            </argumentList></action>
            <action><name>Add</name><argumentList>
              <argument><name>A</name><direction>in</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
              <argument><name>B</name><direction>in</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
              <argument><name>Sum</name><direction>out</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
              <argument><name>Order</name><direction>out</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
            </argumentList></action>
            <action><name>Fail</name><argumentList>
              <argument><name>Code</name><direction>in</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
            </argumentList></action>
            <action><name>Broken</name><argumentList>
              <argument><name>Out</name><direction>out</direction><relatedStateVariable>A_ARG_TYPE_Text</relatedStateVariable></argument>
            </argumentList></action>
            <action><name>GetCounter</name><argumentList>
              <argument><name>Counter</name><direction>out</direction><relatedStateVariable>Counter</relatedStateVariable></argument>
            </argumentList></action>
          </actionList>
          <serviceStateTable>
            <stateVariable sendEvents="no"><name>A_ARG_TYPE_Text</name><dataType>string</dataType></stateVariable>
            <stateVariable sendEvents="yes"><name>Counter</name><dataType>string</dataType></stateVariable>
            <stateVariable sendEvents="yes"><name>Note</name><dataType>string</dataType></stateVariable>
          </serviceStateTable>
        </scpd>
        """

    func invoke(
        action: String,
        arguments: [(name: String, value: String)],
        context: UPnPActionContext
    ) async throws(UPnPActionError) -> [(name: String, value: String)] {
        calls.withLock { $0.append((action, arguments, context)) }
        switch action {
        case "Echo":
            return [("Result", arguments[0].value)]
        case "Add":
            guard let a = Int(arguments[0].value), let b = Int(arguments[1].value) else {
                throw .argumentValueInvalid()
            }
            // Out-arguments deliberately in the wrong order: the stack must send them in SCPD order.
            return [("Order", arguments.map(\.name).joined(separator: ",")), ("Sum", String(a + b))]
        case "Fail":
            throw UPnPActionError(code: Int(arguments[0].value) ?? 501, description: "Failed <on purpose> & more")
        case "Broken":
            return [("NotInSCPD", "x")]
        case "GetCounter":
            return [("Counter", state.withLock { $0[0].value })]
        default:
            throw .invalidAction()
        }
    }

    func currentEventedValues() async -> [(name: String, value: String)] {
        state.withLock { $0 }
    }

    /// Sets a variable and publishes the change.
    func set(_ name: String, _ value: String) async {
        state.withLock { state in
            if let index = state.firstIndex(where: { $0.name == name }) { state[index].value = value }
        }
        await events.publish([(name, value)])
    }
}

extension UPnPDeviceConfiguration {
    /// A device on `lo` with ephemeral HTTP and SSDP ports.
    static func test(
        services: [any UPnPServiceHandler],
        udn: String = UPnPDeviceConfiguration.makeUDN(),
        ssdpPort: Int = 0,
        hostNames: [String] = [],
        accessPolicy: UPnPAccessPolicy = .allowAll,
        limits: UPnPLimits = UPnPLimits(),
        extraRoutes: [UPnPHTTPRoute] = []
    ) -> UPnPDeviceConfiguration {
        UPnPDeviceConfiguration(
            deviceType: "urn:schemas-example-org:device:TestDevice:3",
            friendlyName: "Test <Device> & Co",
            udn: udn,
            manufacturer: "Example",
            modelName: "Tester",
            services: services,
            interfaces: ["lo"],
            httpPort: 0,
            bootID: 7,
            configID: 42,
            modelNumber: "1",
            ssdpPort: ssdpPort,
            hostNames: hostNames,
            accessPolicy: accessPolicy,
            limits: limits,
            extraRoutes: extraRoutes
        )
    }
}
