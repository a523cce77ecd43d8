import Foundation
import Logging
import ServiceLifecycle
import TandemStore

/// Turns announcements whose `expiresAt` has passed into one `announcement.expired` change each,
/// so screens and the snapshot drop them on time without anyone pressing a button.
struct AnnouncementExpiryService: Service {
    let store: any ScheduleStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await store.recordExpiredAnnouncements()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("announcement expiry round failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
