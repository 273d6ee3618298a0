import Foundation
import Messaging
import MessagingUPnP
import NIOCore
import NIOHTTP1
import NIOPosix
import UPnP

/// What the subscriber has seen: every message ID that appeared in a NewMessages event, and the instant each new
/// ID first arrived, in arrival order.
///
/// NewMessages is the list of every unread message in Received (messaging-v2.md §7.3), so an event carries the old
/// IDs too: an ID counts once, when it first appears. The bench injects messages one sender, one modem, in order,
/// and nothing else creates messages, so the k-th new ID is the k-th injected message.
actor NotifyLog {
    private var seen: Set<String> = []
    /// Receipt instant of each new ID, in order.
    private(set) var arrivals: [ContinuousClock.Instant] = []
    /// The new IDs, in the same order as ``arrivals``.
    private(set) var newIDs: [String] = []
    /// NOTIFY requests received (the initial event included).
    private(set) var notifyCount = 0
    /// NOTIFY bodies that could not be read (never expected; reported at the end).
    private(set) var unreadable: [String] = []

    func record(ids: [String], at instant: ContinuousClock.Instant) {
        notifyCount += 1
        for id in ids where seen.insert(id).inserted {
            arrivals.append(instant)
            newIDs.append(id)
        }
    }

    func recordUnreadable(_ reason: String) {
        notifyCount += 1
        if unreadable.count < 10 { unreadable.append(reason) }
    }

    var arrivalCount: Int { arrivals.count }
}

/// The GENA subscriber: an HTTP/1.1 listener on 127.0.0.1:0 (NIO) that answers every NOTIFY 200 and hands the
/// NewMessages IDs of each to a ``NotifyLog`` with the instant its last byte arrived.
enum GENASubscriber {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Bound on one NOTIFY body: a propertyset of a few hundred message IDs is a few kB.
    static let maximumNotifyBodyBytes = 256 * 1024

    /// Runs the listener for the duration of `body`, which gets its port; closes it afterwards.
    static func with<R: Sendable>(log: NotifyLog, _ body: (Int) async throws -> R) async throws -> R {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else {
            throw BenchError("the subscriber's listener has no port")
        }
        return try await listener.executeThenClose { inbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await connection in inbound {
                            connections.addTask { try? await serve(connection, log: log) }
                        }
                    }
                }
                defer { group.cancelAll() }
                return try await body(port)
            }
        }
    }

    private static func serve(_ connection: Connection, log: NotifyLog) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body = []
                    tooLarge = false
                case .body(let buffer):
                    if body.count + buffer.readableBytes > maximumNotifyBodyBytes {
                        tooLarge = true
                    } else {
                        body += buffer.readableBytesView
                    }
                case .end:
                    // The receipt instant: the whole NOTIFY is here, before we parse or answer it.
                    let instant = ContinuousClock.now
                    guard let request = head else { continue }
                    let status: HTTPResponseStatus
                    if request.method.rawValue != "NOTIFY" {
                        status = .methodNotAllowed
                        await log.recordUnreadable("unexpected \(request.method.rawValue) request")
                    } else if tooLarge {
                        status = .payloadTooLarge
                        await log.recordUnreadable("NOTIFY body over \(maximumNotifyBodyBytes) bytes")
                    } else {
                        status = .ok
                        do {
                            await log.record(ids: try newMessageIDs(inPropertySet: body), at: instant)
                        } catch {
                            await log.recordUnreadable("\(error)")
                        }
                    }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Length", value: "0")
                    try await outbound.write(contentsOf: [
                        .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), .end(nil),
                    ])
                }
            }
        }
    }

    /// The message IDs of the NewMessages variable of a GENA propertyset (UDA 1.1 §4.3.2): the variable's value is
    /// the `newMessages` fragment as escaped text, read back with the binding's own fragment type. A propertyset
    /// without NewMessages (a SessionUpdates event) has none.
    static func newMessageIDs(inPropertySet body: [UInt8]) throws -> [String] {
        let root = try XMLDocumentParser.parse(body)
        var ids: [String] = []
        for property in root.elements(named: "property") {
            for variable in property.elements(named: MessagingUPnPService.newMessagesVariable) {
                let text = variable.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { continue }
                let fragment = try NewMessagesFragment(element: try XMLDocumentParser.parse(text))
                ids += fragment.entries.map(\.messageID)
            }
        }
        return ids
    }
}
