/// Which sessions GetSessions returns (messaging-v2.md §5.12).
public enum SessionQuery: Hashable, Sendable {
    /// One session by its ID. The class and status filters do not apply: "if a valid Session id is specified the
    /// other input arguments are irrelevant" (§5.12).
    case session(id: String)
    /// Every session of a class and a status, oldest first, closed ones included; `nil` means any.
    case matching(sessionClass: SessionClass?, status: SessionStatus?)

    /// Every session.
    public static let all = SessionQuery.matching(sessionClass: nil, status: nil)
}
