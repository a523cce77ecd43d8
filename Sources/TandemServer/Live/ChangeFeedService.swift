import Logging
import ServiceLifecycle
import TandemStore

/// Follows the changes other instances commit on the same database (the store's change bus) until
/// graceful shutdown; the store hands them to the same sink as its own, so the live hub and the
/// caches do not know where a change was made. On a store that one process owns (SQLite) there is
/// nothing to follow.
struct ChangeFeedService: Service {
    let store: any InstanceCoordination
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            do {
                try await store.followChanges()
            } catch is CancellationError {
                return
            } catch {
                // The store retries lost connections itself; an error here means it gave up, and an
                // instance that no longer hears the others must not go on serving stale screens.
                logger.critical("the change feed stopped; stopping the server", metadata: ["error": "\(error)"])
                throw error
            }
        }
        // followChanges returned at once (nothing to follow): wait for the end like every service.
        try? await gracefulShutdown()
    }
}
