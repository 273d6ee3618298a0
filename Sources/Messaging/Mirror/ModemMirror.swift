import Modem

extension MessagingService {
    /// The mirror of the modem's message storage (issue 7 "Mirror of the modem store").
    func runMirror(modem: any Modem) async throws {
        try await Task.sleep(for: .seconds(1_000_000_000))
    }
}
