import HTTPTestSupport
import NIOHTTP1
import Testing

@testable import UPnP

/// The client half against the device half, live on lo: SSDP search, description and SCPD, actions and faults,
/// a subscription with its events, renewal and cancellation.
@Suite struct UPnPControlPointTests {
    @Test func searchDescribeCallAndFaultOnLoopback() async throws {
        let udn = UPnPDeviceConfiguration.makeUDN()
        try await withRunningDevice(.test(services: [TestService()], udn: udn)) { _, endpoints in
            let searcher = SSDPSearcher(interface: "lo", port: endpoints.ssdpPort)
            let answers = try await searcher.search(
                target: "urn:schemas-example-org:device:TestDevice:3",
                maximumWait: 1
            )
            let answer = try #require(answers.first { $0.udn == udn })
            #expect(answer.location.description == endpoints.descriptionURLs[0])
            #expect(answers.filter { $0.udn == udn }.count == 1)  // Two searches sent, one answer kept.

            let controlPoint = UPnPControlPoint()
            let (description, local) = try await controlPoint.description(at: answer.location)
            #expect(local == .v4(127, 0, 0, 1))
            #expect(description.root.udn == udn && description.root.friendlyName == "Test <Device> & Co")
            let (_, service) = try #require(description.service(compatibleWith: TestService.type))
            let scpd = try await controlPoint.serviceDescription(of: service)
            #expect(scpd.actions["Add"]?.inArguments == ["A", "B"])
            #expect(scpd.eventedVariables == ["Counter", "Note"])

            let sum = try await controlPoint.call("Add", of: service, arguments: [("A", "2"), ("B", "3")])
            #expect(sum.map(\.name) == ["Sum", "Order"] && sum.first?.value == "5")
            let echoed = try await controlPoint.call("Echo", of: service, arguments: [("Text", "<x>&amp;</x>")])
            #expect(echoed.first?.value == "<x>&amp;</x>")
            await #expect(throws: UPnPActionError(code: 714, description: "")) {
                _ = try await controlPoint.call("Fail", of: service, arguments: [("Code", "714")])
            }
            let fault = await #expect(throws: UPnPActionError.self) {
                _ = try await controlPoint.call("Fail", of: service, arguments: [("Code", "701")])
            }
            #expect(fault?.code == 701 && fault?.description == "Failed <on purpose> & more")
            await #expect(throws: UPnPActionError(code: 401, description: "")) {
                _ = try await controlPoint.call("NoSuchAction", of: service, arguments: [])
            }
        }
    }

    @Test func nothingAnswersASearchForAnotherType() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { _, endpoints in
            let searcher = SSDPSearcher(interface: "lo", port: endpoints.ssdpPort)
            let answers = try await searcher.search(target: "urn:schemas-example-org:device:Other:1", maximumWait: 1)
            #expect(answers.isEmpty)
        }
    }

    @Test func aRefusedConnectionAndAMissingInterfaceAreClientErrors() async throws {
        // The discard port: privileged, so no test binds it, and nothing serves it on a test machine (a freed
        // ephemeral port could be taken again by a test running in parallel).
        let url = HTTPURL(host: "127.0.0.1", port: 9, path: "/description.xml")
        await #expect(throws: UPnPClientError(.connectionFailed, "")) {
            _ = try await UPnPControlPoint().description(at: url)
        }
        await #expect(throws: UPnPClientError(.localSetup, "")) {
            _ = try await SSDPSearcher(interface: "no-such-interface0").search(target: "ssdp:all")
        }
    }

    @Test func subscribeReceiveRenewUnsubscribe() async throws {
        let service = TestService()
        try await withRunningDevice(.test(services: [service])) { device, endpoints in
            let location = try #require(HTTPURL(endpoints.descriptionURLs[0]))
            let (description, local) = try await UPnPControlPoint().description(at: location)
            let (_, remote) = try #require(description.service(compatibleWith: TestService.type))
            let host = try #require(local).description
            let subscriber = GENASubscriber()
            try await GENACallbackServer.with(host: host) { port, notifications in
                var received = notifications.makeAsyncIterator()
                let subscription = try await subscriber.subscribe(
                    eventURL: remote.eventSubURL,
                    callback: HTTPURL(host: host, port: port, path: "/events"),
                    timeoutSeconds: 300
                )
                #expect(subscription.grantedSeconds == 300)
                let initial = try #require(await received.next())
                #expect(initial.isEventMessage && initial.sid == subscription.sid && initial.sequence == 0)
                #expect(try initial.properties().map(\.value) == ["0", "<a>&amp;</a>"])

                await service.set("Counter", "7")
                let change = try #require(await received.next())
                #expect(change.sequence == 1 && change.path == "/events")
                #expect(try change.properties().map(\.name) == ["Counter"])

                let renewed = try await subscriber.renew(subscription, timeoutSeconds: 600)
                #expect(renewed.sid == subscription.sid && renewed.grantedSeconds == 600)
                try await subscriber.unsubscribe(renewed)
                #expect(await device.genaHub.subscriptionCount == 0)
                await #expect(throws: UPnPClientError(.unexpectedStatus, "")) {
                    _ = try await subscriber.renew(renewed, timeoutSeconds: 600)
                }
            }
        }
    }

    @Test func theCallbackServerRefusesWhatIsNotAnEvent() async throws {
        try await GENACallbackServer.with(host: "127.0.0.1") { port, notifications in
            let url = HTTPURL(host: "127.0.0.1", port: port, path: "/")
            let client = UPnPHTTPClient()
            let notAnEvent = try await client.request(.POST, url, body: Array("x".utf8))
            #expect(notAnEvent.status == .preconditionFailed)
            var received = notifications.makeAsyncIterator()
            #expect(try #require(await received.next()).method == "POST")
        }
    }
}
