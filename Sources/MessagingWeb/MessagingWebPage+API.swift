import Foundation
import Logging
import Messaging
import UPnP

// MARK: - The JSON API

extension MessagingWebPage {
    /// Runs an API handler behind the page's checks: the custom header (and same-site `Origin`), then the login
    /// when a password is set (`state` and `login` excepted). Errors become JSON `{"error": …}` with a status.
    func answerAPI(
        _ request: UPnPHTTPRoute.Request,
        _ handler: @Sendable (WebRequest) async throws -> WebResponse
    ) async -> UPnPHTTPRoute.Response {
        let web = WebRequest(route: request)
        var response: WebResponse
        do {
            guard web.isSameSiteScript else {
                logger.debug(
                    "web request without the page's header refused",
                    metadata: ["http.path": "\(request.path)"]
                )
                throw WebError(status: 403, "missing \(Self.requestHeader.name) header")
            }
            let open = request.path == "/api/state" || request.path == "/api/login"
            guard open || sessions.isValid(web.sessionToken) else { throw WebError(status: 401, "log in first") }
            response = try await handler(web)
        } catch let error as WebError {
            response =
                (try? .json(WebJSON.Failure(error: error.reason), status: error.status))
                ?? WebResponse(status: error.status, body: [])
        } catch let error as MessagingError {
            let mapped = WebError(error)
            response =
                (try? .json(WebJSON.Failure(error: mapped.reason), status: mapped.status))
                ?? WebResponse(status: mapped.status, body: [])
        } catch {
            logger.debug("web request failed", metadata: ["http.path": "\(request.path)", "error": "\(error)"])
            response = WebResponse(status: 500, body: Array(#"{"error":"internal error"}"#.utf8))
        }
        var headers = response.headers + Self.securityHeaders + [("Cache-Control", "no-store")]
        if !response.body.isEmpty { headers.append(("Content-Type", "application/json")) }
        return UPnPHTTPRoute.Response(status: response.status, headers: headers, body: response.body)
    }

    /// `GET /api/state`: whether a login is needed or held, whether this client may send, the device's number.
    func state(_ request: WebRequest) async throws -> WebResponse {
        let loggedIn = sessions.isValid(request.sessionToken)
        let identity = loggedIn ? try? await service.getTelephonyIdentity(caller: request.caller) : nil
        return try .json(
            WebJSON.State(
                loginRequired: sessions.isPasswordRequired,
                loggedIn: loggedIn,
                canSend: configuration.accessPolicy.isAllowed(.sendMessage, request.caller),
                identity: identity
            )
        )
    }

    /// `POST /api/login {"password"}`: sets the session cookie (`HttpOnly`: no script reads it; `SameSite=Strict`:
    /// no other site's request carries it, RFC 6265bis §5.4.7).
    func login(_ request: WebRequest) async throws -> WebResponse {
        let body = try request.decode(WebJSON.Login.self)
        switch sessions.login(body.password, client: request.caller.address) {
        case .session(let token):
            var response = WebResponse.noContent
            if !token.isEmpty {
                let maxAge = sessions.lifetime.components.seconds
                response.headers.append(
                    (
                        "Set-Cookie",
                        "\(Self.cookieName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
                    )
                )
            }
            logger.info("web login", metadata: ["client.address": "\(request.caller.address)"])
            return response
        case .wrongPassword:
            logger.info("web login refused: wrong password", metadata: ["client.address": "\(request.caller.address)"])
            throw WebError(status: 401, "wrong password")
        case .tooManyAttempts:
            throw WebError(status: 429, "too many wrong passwords; wait a minute")
        }
    }

    /// `POST /api/logout`: ends the session and clears the cookie.
    func logout(_ request: WebRequest) async throws -> WebResponse {
        sessions.logout(request.sessionToken)
        var response = WebResponse.noContent
        response.headers.append(("Set-Cookie", "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
        return response
    }

    /// `GET /api/conversations`: one entry per peer, newest first, with its unread count and last message.
    func conversations(_ request: WebRequest) async throws -> WebResponse {
        let messages = try await service.conversationMessages(MessageQuery(), caller: request.caller)
        var byPeer: [String: WebJSON.Conversation] = [:]
        var order: [String: Date] = [:]
        for message in messages where message.folder != .deleted {
            let date = WebJSON.date(of: message)
            for peer in WebJSON.peers(of: message) {
                var conversation =
                    byPeer[peer]
                    ?? WebJSON.Conversation(
                        peer: peer,
                        name: nil,
                        count: 0,
                        unread: 0,
                        lastText: "",
                        lastDate: nil,
                        lastIsOutgoing: false
                    )
                conversation.count += 1
                if !WebJSON.isOutgoing(message), message.status == .unread { conversation.unread += 1 }
                if !WebJSON.isOutgoing(message), let name = message.recipients.from?.name, !name.isEmpty {
                    conversation.name = name
                }
                let instant = date?.date ?? .distantPast
                if instant >= order[peer] ?? .distantPast {
                    order[peer] = instant
                    conversation.lastText = String(WebJSON.preview(of: message).prefix(80))
                    conversation.lastDate = date?.rfc3339
                    conversation.lastIsOutgoing = WebJSON.isOutgoing(message)
                }
                byPeer[peer] = conversation
            }
        }
        let sorted = byPeer.values.sorted {
            (order[$0.peer] ?? .distantPast, $0.peer) > (order[$1.peer] ?? .distantPast, $1.peer)
        }
        return try .json(WebJSON.Conversations(conversations: sorted))
    }

    /// `GET /api/conversation?peer=…`: the messages to and from `peer`, oldest first; what came in unread becomes
    /// Read (ReadMessage, messaging-v2.md §5.5: reading a message is what marks it).
    func conversation(_ request: WebRequest) async throws -> WebResponse {
        guard let peer = request.query("peer"), !peer.isEmpty, peer.utf8.count <= Self.maximumFieldBytes else {
            throw WebError(status: 400, "name a peer")
        }
        var messages = try await service.conversationMessages(MessageQuery(peer: peer), caller: request.caller)
        messages.removeAll { $0.folder == .deleted }
        for index in messages.indices where messages[index].folder == .received && messages[index].status == .unread {
            let read = try await service.readMessage(id: messages[index].id.description, caller: request.caller)
            messages[index].status = read.status
        }
        return try .json(WebJSON.Messages(peer: peer, messages: messages.map(WebJSON.entry)))
    }

    /// `GET /api/search?q=…`: the messages whose text contains `q` (case-insensitive), newest first.
    func search(_ request: WebRequest) async throws -> WebResponse {
        guard let text = request.query("q"), !text.isEmpty, text.utf8.count <= Self.maximumFieldBytes else {
            throw WebError(status: 400, "type something to search for")
        }
        let messages = try await service.conversationMessages(MessageQuery(text: text), caller: request.caller)
        return try .json(
            WebJSON.Messages(
                peer: nil,
                messages: messages.filter { $0.folder != .deleted }.reversed().map(WebJSON.entry)
            )
        )
    }

    /// `POST /api/send {"to", "text"}`: queues an SMS to one or more numbers (comma-separated); answers its ID.
    func send(_ request: WebRequest) async throws -> WebResponse {
        let body = try request.decode(WebJSON.Send.self)
        guard body.to.utf8.count <= Self.maximumFieldBytes, body.text.utf8.count <= Self.maximumTextBytes else {
            throw WebError(status: 413, "too long")
        }
        let numbers = body.to.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !numbers.isEmpty else { throw WebError(status: 400, "name a recipient") }
        let id = try await service.sendMessage(
            MessageToSend(
                messageClass: .sms,
                recipients: RecipientsList(to: numbers.map { Peer(id: $0) }),
                text: body.text
            ),
            caller: request.caller
        )
        return try .json(WebJSON.Sent(id: id.description), status: 201)
    }

    /// `POST /api/delete {"id"}`: moves the message to Deleted (a message already there is removed for good).
    func delete(_ request: WebRequest) async throws -> WebResponse {
        let body = try request.decode(WebJSON.Delete.self)
        guard body.id.utf8.count <= Self.maximumFieldBytes else { throw WebError(status: 400, "malformed ID") }
        try await service.deleteMessage(id: body.id, caller: request.caller)
        return .noContent
    }

    /// `POST /api/layout {"text"}`: characters, parts and alphabet of the text as the encoder will send it.
    func layout(_ request: WebRequest) async throws -> WebResponse {
        let body = try request.decode(WebJSON.LayoutRequest.self)
        guard body.text.utf8.count <= Self.maximumTextBytes else { throw WebError(status: 413, "too long") }
        return try .json(WebJSON.Layout(service.textLayout(of: body.text)))
    }
}
