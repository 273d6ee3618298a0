import Synchronization

/// The logins of the page when a password is configured: random session tokens with an expiry, and a bound on
/// wrong passwords per client.
final class WebSessions: Sendable {
    /// Most sessions kept; a new login beyond it drops the one that expires first.
    static let maximumSessions = 64
    /// Wrong passwords one client may try per ``failureWindow`` before it must wait.
    static let maximumFailures = 5
    /// The window of ``maximumFailures``.
    static let failureWindow = Duration.seconds(60)
    /// Most clients whose failures are remembered (the oldest is forgotten first).
    static let maximumTrackedClients = 256

    private struct State {
        var sessions: [String: ContinuousClock.Instant] = [:]
        var failures: [String: (count: Int, since: ContinuousClock.Instant)] = [:]
    }

    /// The password, `nil` for none.
    let password: String?
    let lifetime: Duration
    private let state = Mutex(State())

    init(password: String?, lifetime: Duration) {
        self.password = password
        self.lifetime = lifetime
    }

    /// Whether the API asks for a login.
    var isPasswordRequired: Bool { password != nil }

    /// Whether `token` (the session cookie's value) names a live session; always true without a password.
    func isValid(_ token: String?) -> Bool {
        guard password != nil else { return true }
        guard let token else { return false }
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let expiry = state.sessions[token] else { return false }
            guard expiry > now else {
                state.sessions[token] = nil
                return false
            }
            return true
        }
    }

    /// The result of a login.
    enum LoginResult: Equatable {
        case session(String)
        case wrongPassword
        case tooManyAttempts
    }

    /// Checks `candidate` for `client`; on success a new session token.
    func login(_ candidate: String, client: String) -> LoginResult {
        guard let password else { return .session("") }
        let now = ContinuousClock.now
        let throttled = state.withLock { state -> Bool in
            guard let entry = state.failures[client] else { return false }
            if now - entry.since > Self.failureWindow {
                state.failures[client] = nil
                return false
            }
            return entry.count >= Self.maximumFailures
        }
        if throttled { return .tooManyAttempts }
        guard Self.constantTimeEquals(Array(candidate.utf8), Array(password.utf8)) else {
            state.withLock { state in
                if state.failures.count >= Self.maximumTrackedClients, state.failures[client] == nil,
                    let oldest = state.failures.min(by: { $0.value.since < $1.value.since })?.key
                {
                    state.failures[oldest] = nil
                }
                let entry = state.failures[client] ?? (0, now)
                state.failures[client] = (entry.count + 1, entry.since)
            }
            return .wrongPassword
        }
        let token = Self.makeToken()
        state.withLock { state in
            state.failures[client] = nil
            state.sessions = state.sessions.filter { $0.value > now }
            if state.sessions.count >= Self.maximumSessions,
                let first = state.sessions.min(by: { $0.value < $1.value })?.key
            {
                state.sessions[first] = nil
            }
            state.sessions[token] = now + lifetime
        }
        return .session(token)
    }

    /// Ends the session `token` names.
    func logout(_ token: String?) {
        guard let token else { return }
        _ = state.withLock { $0.sessions.removeValue(forKey: token) }
    }

    /// 32 random bytes in hex: `SystemRandomNumberGenerator` reads the kernel's CSPRNG (getrandom on Linux).
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var token = ""
        for _ in 0..<32 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            token.append(digits[Int(byte >> 4)])
            token.append(digits[Int(byte & 0x0F)])
        }
        return token
    }

    /// Compares without an early exit, so that the time taken does not tell how much of a guess was right.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}
