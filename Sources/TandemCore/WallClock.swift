import Foundation

/// The source of "now"; injected so tests are deterministic.
public protocol WallClock: Sendable {
    func now() -> Date

    /// Waits `duration` of real time between two rounds of a periodic job (expiring announcements
    /// and holds, delivering mail). The system clock just sleeps. A clock that tests move ends the
    /// wait as soon as it is moved, so a job that compares with `now()` sees the new time at once
    /// instead of a round later. Throws `CancellationError` when the waiting task is cancelled.
    func pause(upTo duration: Duration) async throws
}

extension WallClock {
    public func pause(upTo duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
