import Logging
import ServiceLifecycle
import TandemCore
import TandemStore

/// A long-lived loop that runs one round of work every `interval` until graceful shutdown.
/// A failed round is logged and simply tried again next time. With `leader`, a round runs only
/// while this instance leads the database's jobs (one instance at a time; another takes over
/// within a round or two when the leader dies). Between rounds it waits on the injected clock
/// (`WallClock.pause(upTo:)`): real time in production; in tests, moving the clock starts the next
/// round at once.
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let clock: any WallClock
    let leader: (any InstanceCoordination)?
    let logger: Logger
    let round: @Sendable () async throws -> Void

    init(name: String, interval: Duration, clock: any WallClock, leader: (any InstanceCoordination)? = nil, logger: Logger,
         round: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.clock = clock
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
                try await clock.pause(upTo: interval)
            }
        }
    }
}
