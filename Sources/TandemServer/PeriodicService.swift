import Logging
import ServiceLifecycle

/// A long-lived loop that runs one round of work every `interval` until graceful shutdown.
/// A failed round is logged and simply tried again next time.
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let round: @Sendable () async throws -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await round()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("\(name) round failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
