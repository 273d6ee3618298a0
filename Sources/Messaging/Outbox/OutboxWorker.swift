import Modem

extension MessagingService {
    /// The outbox worker (issue 7 "Sending").
    func runOutbox(modem: any Modem) async throws {
        try await Task.sleep(for: .seconds(1_000_000_000))
    }
}
