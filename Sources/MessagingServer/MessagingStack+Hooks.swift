import CoreMetrics
import Logging
import Messaging

extension MessagingStack {
    /// The hook worker of `configuration`, its hooks registered in the store; `nil` when no hook is configured
    /// (then nothing is queued either).
    static func makeHookService(
        _ configuration: MessagingServerConfiguration,
        messaging: MessagingService,
        logger: Logger,
        metricsFactory: any MetricsFactory
    ) async throws -> MessageHookService? {
        let hooks = try configuration.makeHooks(logger: logger)
        do {
            // Also with no hook: registering none gives up what a previous configuration left pending.
            let service = try await MessageHookService(
                messaging: messaging,
                hooks: hooks,
                configuration: configuration.hooks.delivery,
                logger: logger,
                metricsFactory: metricsFactory
            )
            return hooks.isEmpty ? nil : service
        } catch {
            throw MessagingServerError(.cannotStart, "cannot register the hooks in the database: \(error)")
        }
    }
}
