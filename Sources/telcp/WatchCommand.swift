import ArgumentParser
import MessagingUPnP
import UPnP
import UnixSignals

/// `telcp watch`: subscribes to the service's events and prints NewMessages and SessionUpdates as they come.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print new messages and session updates as the device announces them.",
        discussion: """
            telcp subscribes to the Messaging:2 events (GENA) with a callback on the local address that reaches the \
            device, renews the subscription at half of each granted duration, and prints one line per event: \
            NewMessages (the unread received messages after a change) and SessionUpdates. It ends after --count \
            events, or on SIGINT/SIGTERM, and unsubscribes. A line on standard error says when it is subscribed.
            """
    )

    @OptionGroup var options: DeviceOptions

    @Option(help: "Stop after this many events.")
    var count: Int?

    @Flag(help: "Also print the initial event (the current values) that follows the subscription.")
    var initial = false

    @Option(name: .customLong("subscription-time"), help: "Seconds of subscription to ask for at each renewal.")
    var subscriptionTime = 300

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
        guard (60...86_400).contains(subscriptionTime) else {
            throw ValidationError("--subscription-time must be 60 to 86400 seconds.")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let device = try await options.connect()
            guard let local = device.localAddress else {
                throw UPnPClientError(.localSetup, "cannot tell the local address that reaches the device")
            }
            let subscriber = GENASubscriber(http: device.controlPoint.http)
            try await GENACallbackServer.with(host: local.description) { port, notifications in
                let callback = HTTPURL(host: local.description, port: port, path: "/telcp/events")
                let subscription = try await subscriber.subscribe(
                    eventURL: device.service.eventSubURL,
                    callback: callback,
                    timeoutSeconds: subscriptionTime
                )
                printError(
                    "telcp: watching \(device.friendlyName) (\(device.udn)), subscription \(subscription.sid) "
                        + "for \(subscription.grantedSeconds) s"
                )
                let current = SubscriptionBox(subscription)
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await renew(current, subscriber: subscriber, callback: callback) }
                        group.addTask {
                            // SIGINT/SIGTERM end the watch like --count does: with an UNSUBSCRIBE.
                            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { return }
                        }
                        group.addTask { try await printEvents(notifications, current: current) }
                        _ = try await group.next()
                        group.cancelAll()
                    }
                } catch {
                    // Best effort: the device drops the subscription at expiry anyway (UDA 1.1 §4.1.4).
                    try? await subscriber.unsubscribe(await current.value)
                    throw error
                }
                try? await subscriber.unsubscribe(await current.value)
            }
        }
    }

    /// Renews before each grant runs out; subscribes again when the device has forgotten the subscription (412:
    /// it restarted, or a renewal came too late); retries every five seconds while the device does not answer.
    func renew(_ current: SubscriptionBox, subscriber: GENASubscriber, callback: HTTPURL) async throws {
        var wait = await current.value.renewalDelay
        while true {
            try await Task.sleep(for: wait)
            let subscription = await current.value
            do {
                let renewed = try await subscriber.renew(subscription, timeoutSeconds: subscriptionTime)
                await current.set(renewed)
                wait = renewed.renewalDelay
            } catch let error as UPnPClientError where error.status == 412 {
                let fresh = try await subscriber.subscribe(
                    eventURL: subscription.eventURL,
                    callback: callback,
                    timeoutSeconds: subscriptionTime
                )
                await current.set(fresh)
                wait = fresh.renewalDelay
                printError("telcp: subscribed again, subscription \(fresh.sid)")
            } catch let error as UPnPClientError where error.code == .timeout || error.code == .connectionFailed {
                printError("telcp: renewal failed (\(error)); trying again in 5 s")
                wait = .seconds(5)
            }
        }
    }

    /// Prints each event of the current subscription; returns after --count events.
    func printEvents(_ notifications: AsyncStream<GENANotification>, current: SubscriptionBox) async throws {
        let output = Output(json: options.json)
        var printed = 0
        for await notification in notifications {
            guard notification.isEventMessage, let sid = notification.sid, sid == (await current.value).sid,
                let sequence = notification.sequence
            else { continue }
            if sequence == 0 && !initial { continue }
            let properties: [(name: String, value: String)]
            do {
                properties = try notification.properties()
            } catch {
                printError("telcp: ignoring an event: \(error)")
                continue
            }
            var any = false
            for (name, value) in properties {
                guard let line = try? Self.eventLine(name: name, value: value, sequence: sequence) else { continue }
                output.print(line.json, text: line.text)
                any = true
            }
            if any { printed += 1 }
            if let count, printed >= count { return }
        }
    }

    /// The printed form of one evented variable, or `nil` for a variable this command does not show.
    static func eventLine(name: String, value: String, sequence: UInt32) throws -> (json: JSON, text: String)? {
        let limits = MessagingDevice.fragmentLimits
        switch name {
        case MessagingUPnPService.newMessagesVariable:
            let entries = try NewMessagesFragment(parsing: value, limits: limits).entries
            let json = JSON.object([
                ("event", .string(name)), ("sequence", .number(Int(sequence))),
                (
                    "messages",
                    .array(
                        entries.map { .object([("id", .string($0.messageID)), ("overview", .optional($0.overview))]) }
                    )
                ),
            ])
            let list = entries.map { "\($0.messageID) \(oneLine($0.overview ?? ""))" }
            return (json, "NewMessages: " + (list.isEmpty ? "none unread" : list.joined(separator: "; ")))
        case MessagingUPnPService.sessionUpdatesVariable:
            let updates = try SessionUpdatesFragment(parsing: value, limits: limits).updates
            let json = JSON.object([
                ("event", .string(name)), ("sequence", .number(Int(sequence))),
                (
                    "sessions",
                    .array(
                        updates.map {
                            .object([
                                ("id", .string($0.sessionID)), ("events", .array($0.events.map(JSON.string))),
                                ("status", .string($0.status)),
                            ])
                        }
                    )
                ),
            ])
            let list = updates.map { "\($0.sessionID) \($0.status): \($0.events.joined(separator: ", "))" }
            return (json, "SessionUpdates: " + list.joined(separator: "; "))
        default:
            return nil
        }
    }
}

/// The current subscription, shared by the renewal and the event printer (the SID changes on a re-subscription).
actor SubscriptionBox {
    private(set) var value: GENASubscription
    init(_ value: GENASubscription) { self.value = value }
    func set(_ value: GENASubscription) { self.value = value }
}
