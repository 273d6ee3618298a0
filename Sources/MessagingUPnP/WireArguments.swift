import Messaging

/// The string in-arguments of the actions (messaging-v2.md §3, §5.0), read into the service's typed queries.
///
/// On the wire the empty string stands for "any" in a filter (the SCPD's `<allowedValue/>`; `ANY` is accepted as a
/// synonym, I-6), for "unchanged" in ModifySession, and for "the service chooses" or "none" in CreateSession. Values
/// are matched case-sensitively (UDA). A value outside a closed set (folder, message status, session status) is
/// refused here with the code the action's table gives; whether an open-set value (a class) is offered is the
/// service's decision.
enum WireArguments {
    /// The value of a filter argument, or `nil` for "any": `""` or `ANY` (§5.0, I-6).
    static func filter(_ wire: String) -> String? {
        wire.isEmpty || wire == "ANY" ? nil : wire
    }

    /// The value of an argument where `""` means "unchanged", "none" or "the service chooses".
    static func optional(_ wire: String) -> String? {
        wire.isEmpty ? nil : wire
    }

    /// SearchMessages' criteria (§5.4).
    /// - Throws: 707 for a folder and 705 for a status that are not allowed values.
    static func messageQuery(
        messageClass: String,
        folder: String,
        status: String,
        sessionID: String
    ) throws -> MessageQuery {
        var query = MessageQuery()
        query.messageClass = filter(messageClass).map(MessageClass.init(rawValue:))
        if let value = filter(folder) {
            guard let folder = MessageFolder(rawValue: value) else {
                throw MessagingError(.invalidFolder, "unknown folder")
            }
            query.folder = folder
        }
        if let value = filter(status) {
            guard let status = MessageReadStatus(rawValue: value) else {
                throw MessagingError(.invalidMessageStatus, "unknown status")
            }
            query.status = status
        }
        query.sessionID = optional(sessionID)
        return query
    }

    /// GetSessions' criteria (§5.12): a non-empty SessionID selects that session and the other two arguments are
    /// not looked at ("the other input arguments are irrelevant").
    /// - Throws: 711 for a status that is not an allowed value.
    static func sessionQuery(sessionID: String, sessionClass: String, sessionStatus: String) throws -> SessionQuery {
        if let id = optional(sessionID) { return .session(id: id) }
        var status: SessionStatus?
        if let value = filter(sessionStatus) {
            guard let known = SessionStatus(rawValue: value) else {
                throw MessagingError(.invalidSessionStatus, "unknown session status")
            }
            status = known
        }
        return .matching(sessionClass: filter(sessionClass).map(SessionClass.init(rawValue:)), status: status)
    }
}
