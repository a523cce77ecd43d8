import Logging
import ServiceLifecycle
import TandemStore

/// A long-lived loop that runs one round of work every `interval` until graceful shutdown.
/// A failed round is logged and simply tried again next time. With `leader`, a round runs only
/// while this instance leads the database's jobs (one instance at a time; another takes over
/// within a round or two when the leader dies).
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let leader: (any InstanceCoordination)?
    let logger: Logger
    let round: @Sendable () async throws -> Void

    init(name: String, interval: Duration, leader: (any InstanceCoordination)? = nil, logger: Logger,
         round: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.leader = leader
        self.logger = logger
        self.round = round
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if await leader?.isJobLeader() ?? true { try await round() }
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
