import HTTPTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import UPnP

/// GENA live on lo: a local HTTP listener is the subscriber; the device and its NOTIFY client are real.
@Suite struct UPnPDeviceGENATests {
    static let eventPath = "/upnp/Test/event"

    static func subscribe(
        port: Int,
        callback: String,
        extra: [(String, String)] = [("NT", "upnp:event"), ("TIMEOUT", "Second-300")]
    ) async throws -> TestHTTPResponse {
        try await TestHTTPConnection.request(
            port: port,
            method: .RAW(value: "SUBSCRIBE"),
            path: eventPath,
            headers: [("CALLBACK", callback)] + extra
        )
    }

    static func request(_ method: String, port: Int, headers: [(String, String)]) async throws -> TestHTTPResponse {
        try await TestHTTPConnection.request(port: port, method: .RAW(value: method), path: eventPath, headers: headers)
    }

    @Test func subscribeInitialEventChangesRenewUnsubscribe() async throws {
        let service = TestService()
        try await withRunningDevice(.test(services: [service])) { device, endpoints in
            try await TestSubscriber.with { subscriberPort, notifications in
                var received = notifications.makeAsyncIterator()
                let response = try await Self.subscribe(
                    port: endpoints.httpPort,
                    callback: "<http://127.0.0.1:\(subscriberPort)/sub/1>"
                )
                #expect(response.status == .ok)
                let sid = try #require(response.headers["SID"].first)
                #expect(sid.hasPrefix("uuid:"))
                #expect(response.headers["TIMEOUT"].first == "Second-300")
                #expect(response.headers["Content-Length"].first == "0")

                // Initial event: SEQ 0, every evented variable with its current value, escaped.
                let initial = try #require(await received.next())
                #expect(initial.method == "NOTIFY" && initial.path == "/sub/1")
                #expect(initial.sid == sid && initial.sequence == 0)
                #expect(
                    initial.headers["NT"].first == "upnp:event" && initial.headers["NTS"].first == "upnp:propchange"
                )
                #expect(initial.headers["Content-Type"].first == "text/xml; charset=\"utf-8\"")
                let properties = try Self.properties(initial.body)
                #expect(properties.map(\.0) == ["Counter", "Note"])
                #expect(properties.map(\.1) == ["0", "<a>&amp;</a>"])

                // Changes arrive in order with increasing SEQ.
                for value in 1...5 { await service.set("Counter", String(value)) }
                for value in 1...5 {
                    let notify = try #require(await received.next())
                    #expect(notify.sequence == UInt32(value))
                    #expect(try Self.properties(notify.body).map(\.1) == [String(value)])
                }

                // Renewal: SID only.
                let renewed = try await Self.request(
                    "SUBSCRIBE",
                    port: endpoints.httpPort,
                    headers: [("SID", sid), ("TIMEOUT", "Second-600")]
                )
                #expect(renewed.status == .ok && renewed.headers["SID"].first == sid)
                #expect(renewed.headers["TIMEOUT"].first == "Second-600")

                let gone = try await Self.request("UNSUBSCRIBE", port: endpoints.httpPort, headers: [("SID", sid)])
                #expect(gone.status == .ok)
                #expect(await device.genaHub.subscriptionCount == 0)
                let again = try await Self.request("UNSUBSCRIBE", port: endpoints.httpPort, headers: [("SID", sid)])
                #expect(again.status == .preconditionFailed)
                let renewGone = try await Self.request("SUBSCRIBE", port: endpoints.httpPort, headers: [("SID", sid)])
                #expect(renewGone.status == .preconditionFailed)
            }
        }
    }

    @Test func sequenceWrapsFromMaximumToOne() async throws {
        let service = TestService()
        try await withRunningDevice(.test(services: [service])) { device, endpoints in
            try await TestSubscriber.with { subscriberPort, notifications in
                var received = notifications.makeAsyncIterator()
                let response = try await Self.subscribe(
                    port: endpoints.httpPort,
                    callback: "<http://127.0.0.1:\(subscriberPort)/>"
                )
                let sid = try #require(response.headers["SID"].first)
                #expect(try #require(await received.next()).sequence == 0)
                await device.genaHub.setNextSequence(UInt32.max, for: sid)
                await service.set("Counter", "a")
                await service.set("Counter", "b")
                #expect(try #require(await received.next()).sequence == UInt32.max)
                #expect(try #require(await received.next()).sequence == 1)
            }
        }
    }

    @Test func expiredSubscriptionsAreDroppedAndCannotBeRenewed() async throws {
        try await withRunningDevice(.test(services: [TestService()])) { device, endpoints in
            try await TestSubscriber.with { subscriberPort, _ in
                let response = try await Self.subscribe(
                    port: endpoints.httpPort,
                    callback: "<http://127.0.0.1:\(subscriberPort)/>",
                    extra: [("NT", "upnp:event"), ("TIMEOUT", "Second-5")]
                )
                // Below the minimum: the device grants its minimum and says so.
                #expect(response.headers["TIMEOUT"].first == "Second-60")
                let sid = try #require(response.headers["SID"].first)
                let expired = await device.genaHub.expire(at: .now + .seconds(61))
                #expect(expired == [sid])
                let renewal = try await Self.request("SUBSCRIBE", port: endpoints.httpPort, headers: [("SID", sid)])
                #expect(renewal.status == .preconditionFailed)
            }
        }
    }

    /// The device does not moderate (the service publishes no faster than its standard allows): every value,
    /// state or batch, becomes its own NOTIFY, in the order published.
    @Test func everyPublishedValueIsSentInOrderUnmoderated() async throws {
        let service = TestService(kinds: ["Note": .batch])
        try await withRunningDevice(.test(services: [service])) { _, endpoints in
            try await TestSubscriber.with { subscriberPort, notifications in
                var received = notifications.makeAsyncIterator()
                _ = try await Self.subscribe(
                    port: endpoints.httpPort,
                    callback: "<http://127.0.0.1:\(subscriberPort)/>"
                )
                _ = try #require(await received.next())  // Initial event.
                await service.set("Counter", "1")
                await service.set("Note", "b1")
                await service.set("Counter", "2")
                await service.set("Note", "b2")
                await service.set("Note", "b3")
                var events: [(UInt32?, [(String, String)])] = []
                for _ in 0..<5 {
                    let notify = try #require(await received.next())
                    events.append((notify.sequence, try Self.properties(notify.body)))
                }
                #expect(events.map(\.0) == [1, 2, 3, 4, 5])
                #expect(events.map { $0.1.map(\.0) } == [["Counter"], ["Note"], ["Counter"], ["Note"], ["Note"]])
                #expect(events.flatMap { $0.1.map(\.1) } == ["1", "b1", "2", "b2", "b3"])
            }
        }
    }

    @Test func valueKindsMustNameEventedVariables() {
        #expect(throws: UPnPConfigurationError.self) {
            try UPnPDevice(
                configuration: .test(services: [TestService(kinds: ["A_ARG_TYPE_Text": .batch])]),
                logger: .init(label: "t")
            )
        }
        #expect(throws: Never.self) {
            try UPnPDevice(
                configuration: .test(services: [TestService(kinds: ["Note": .batch])]),
                logger: .init(label: "t")
            )
        }
    }

    @Test func statusCodesOfMalformedSubscriptions() async throws {
        var limits = UPnPLimits()
        limits.maximumSubscriptions = 1
        try await withRunningDevice(.test(services: [TestService()], limits: limits)) { _, endpoints in
            let port = endpoints.httpPort
            let callback = "<http://127.0.0.1:9/>"
            func status(_ method: String, _ headers: [(String, String)]) async throws -> HTTPResponseStatus {
                try await Self.request(method, port: port, headers: headers).status
            }
            let cases: [(String, [(String, String)], HTTPResponseStatus)] = [
                // UDA 1.1 §4.1.3: SID together with NT or CALLBACK is 400.
                ("SUBSCRIBE", [("SID", "uuid:x"), ("NT", "upnp:event")], .badRequest),
                ("SUBSCRIBE", [("SID", "uuid:x"), ("CALLBACK", callback)], .badRequest),
                ("UNSUBSCRIBE", [("SID", "uuid:x"), ("NT", "upnp:event")], .badRequest),
                ("UNSUBSCRIBE", [("SID", "uuid:x"), ("CALLBACK", callback)], .badRequest),
                // Unknown SID, missing or wrong NT / CALLBACK: 412.
                ("SUBSCRIBE", [("SID", "uuid:unknown")], .preconditionFailed),
                ("UNSUBSCRIBE", [("SID", "uuid:unknown")], .preconditionFailed),
                ("UNSUBSCRIBE", [], .preconditionFailed),
                ("SUBSCRIBE", [("CALLBACK", callback)], .preconditionFailed),
                ("SUBSCRIBE", [("NT", "upnp:event")], .preconditionFailed),
                ("SUBSCRIBE", [("NT", "upnp:propchange"), ("CALLBACK", callback)], .preconditionFailed),
                ("SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", "http://127.0.0.1:9/")], .preconditionFailed),
                ("SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", "<https://127.0.0.1:9/>")], .preconditionFailed),
                // CallStranger: the callback must point back at the subscriber.
                ("SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", "<http://10.1.2.3:80/>")], .preconditionFailed),
                (
                    "SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", "<http://127.0.0.1:9/><http://192.0.2.1/>")],
                    .preconditionFailed
                ),
                ("SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", "<http://localhost:9/>")], .preconditionFailed),
                // The only slot, then 503.
                ("SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", callback)], .ok),
                ("SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", callback)], .serviceUnavailable),
            ]
            for (method, headers, expected) in cases {
                let actual = try await status(method, headers)
                #expect(actual == expected, "\(method) \(headers)")
            }
        }
    }

    @Test func aDeadSubscriberDoesNotHoldUpTheOthers() async throws {
        let service = TestService()
        var limits = UPnPLimits()
        limits.notifyTimeout = .seconds(2)
        try await withRunningDevice(.test(services: [service], limits: limits)) { _, endpoints in
            // A callback on a port where nothing listens: connection refused at once, subscription stays.
            let dead = try await Self.subscribe(port: endpoints.httpPort, callback: "<http://127.0.0.1:1/>")
            #expect(dead.status == .ok)
            try await TestSubscriber.with { subscriberPort, notifications in
                var received = notifications.makeAsyncIterator()
                _ = try await Self.subscribe(
                    port: endpoints.httpPort,
                    callback: "<http://127.0.0.1:\(subscriberPort)/>"
                )
                #expect(try #require(await received.next()).sequence == 0)
                await service.set("Counter", "9")
                #expect(try #require(await received.next()).sequence == 1)
            }
        }
    }

    /// `(name, value)` of each property of a propertyset body.
    static func properties(_ body: String) throws -> [(String, String)] {
        let root = try XMLDocumentParser.parse(body)
        #expect(root.name == "propertyset" && root.namespaceURI == "urn:schemas-upnp-org:event-1-0")
        return root.elements.flatMap { property in
            property.elements.map { ($0.name, $0.text) }
        }
    }
}
