import NIOHTTP1

/// A subscription a control point holds at a device's event URL (UDA 1.1 §4.1).
package struct GENASubscription: Sendable, Hashable {
    /// The event URL subscribed to.
    package var eventURL: HTTPURL
    /// The subscription identifier the device gave, `uuid:…`.
    package var sid: String
    /// The duration the device granted, in seconds (`Second-infinite` is kept as a day: renewals still go out).
    package var grantedSeconds: Int

    /// When to renew after a grant: half of it (UDA 1.1 §4.1.2 lets the device drop the subscription at expiry, so
    /// the renewal goes out well before), at least one second.
    package var renewalDelay: Duration { .seconds(max(grantedSeconds / 2, 1)) }
}

/// SUBSCRIBE, renewal and UNSUBSCRIBE (UDA 1.1 §4.1.2–§4.1.4) over the control point's HTTP client.
package struct GENASubscriber: Sendable {
    package var http: UPnPHTTPClient

    /// A day: what a `Second-infinite` grant (deprecated in UDA 1.1) is treated as.
    static let infiniteSeconds = 86_400

    package init(http: UPnPHTTPClient = UPnPHTTPClient()) {
        self.http = http
    }

    /// Subscribes `callback` to the events of `eventURL`, asking for `timeoutSeconds` (the device may grant
    /// another duration; the grant is returned).
    /// - Throws: ``UPnPClientError``: `.unexpectedStatus` with the status for anything but 200 (412: the device
    ///   refused the callback or NT; 503: it has no room), `.malformedResponse` without a usable SID or TIMEOUT.
    package func subscribe(eventURL: HTTPURL, callback: HTTPURL, timeoutSeconds: Int) async throws -> GENASubscription {
        let response = try await http.request(
            .RAW(value: "SUBSCRIBE"),
            eventURL,
            headers: [("CALLBACK", "<\(callback)>"), ("NT", "upnp:event"), ("TIMEOUT", "Second-\(timeoutSeconds)")],
            maximumResponseBytes: 4096
        )
        return try Self.subscription(response, eventURL: eventURL, expectedSID: nil)
    }

    /// Renews a subscription (SID and TIMEOUT only, UDA 1.1 §4.1.3).
    /// - Throws: ``UPnPClientError`` `.unexpectedStatus` 412 when the device no longer knows the subscription
    ///   (expired, or the device restarted): subscribe again.
    package func renew(_ subscription: GENASubscription, timeoutSeconds: Int) async throws -> GENASubscription {
        let response = try await http.request(
            .RAW(value: "SUBSCRIBE"),
            subscription.eventURL,
            headers: [("SID", subscription.sid), ("TIMEOUT", "Second-\(timeoutSeconds)")],
            maximumResponseBytes: 4096
        )
        return try Self.subscription(response, eventURL: subscription.eventURL, expectedSID: subscription.sid)
    }

    /// Cancels a subscription (UDA 1.1 §4.1.4).
    /// - Throws: ``UPnPClientError`` `.unexpectedStatus` for anything but 200.
    package func unsubscribe(_ subscription: GENASubscription) async throws {
        let response = try await http.request(
            .RAW(value: "UNSUBSCRIBE"),
            subscription.eventURL,
            headers: [("SID", subscription.sid)],
            maximumResponseBytes: 4096
        )
        guard response.status == .ok else {
            throw UPnPClientError(
                .unexpectedStatus,
                "UNSUBSCRIBE answered \(response.status.code)",
                status: Int(response.status.code)
            )
        }
    }

    /// Reads a SUBSCRIBE answer: 200 with `SID` (the same one for a renewal) and `TIMEOUT: Second-N`.
    static func subscription(
        _ response: UPnPHTTPClient.Response,
        eventURL: HTTPURL,
        expectedSID: String?
    ) throws(UPnPClientError) -> GENASubscription {
        guard response.status == .ok else {
            throw UPnPClientError(
                .unexpectedStatus,
                "SUBSCRIBE answered \(response.status.code)",
                status: Int(response.status.code)
            )
        }
        guard let sid = response.headers["SID"].first.flatMap(UPnPHeaderParsing.sid),
            expectedSID == nil || sid == expectedSID
        else {
            throw UPnPClientError(.malformedResponse, "SUBSCRIBE answer has no usable SID")
        }
        let granted: Int
        switch response.headers["TIMEOUT"].first.flatMap(UPnPHeaderParsing.timeout) {
        case .seconds(let seconds): granted = seconds
        case .infinite: granted = infiniteSeconds
        case nil: throw UPnPClientError(.malformedResponse, "SUBSCRIBE answer has no usable TIMEOUT")
        }
        return GENASubscription(eventURL: eventURL, sid: sid, grantedSeconds: granted)
    }
}
