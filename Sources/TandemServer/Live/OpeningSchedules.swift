import Foundation
import Synchronization
import TandemCore
import TandemStore

/// The schedule a live connection opens with, kept per event and version: when a screen wall or a
/// venue's phones connect at once, one read of the store serves them all. An entry serves only the
/// version it was read at (the caller reads the current version first), and only until its first
/// announcement expires, since announcements end by the clock, not by a change.
final class OpeningSchedules: Sendable {
    private struct Entry {
        var schedule: EventSchedule
        var validUntil: Date?
    }

    private let entries = Mutex<[Event.ID: Entry]>([:])

    /// The event's schedule at `version`, from memory when it is there, else from `read`.
    func schedule(eventID: Event.ID, version: Int64, at now: Date, read: () async throws -> EventSchedule) async throws -> EventSchedule {
        let cached = entries.withLock { entries -> EventSchedule? in
            guard let entry = entries[eventID], entry.schedule.event.scheduleVersion == version else { return nil }
            if let validUntil = entry.validUntil, now >= validUntil { return nil }
            return entry.schedule
        }
        if let cached { return cached }
        let schedule = try await read()
        let validUntil = schedule.announcements.compactMap(\.expiresAt).filter { $0 > now }.min()
        entries.withLock { entries in
            // Never replace a newer version with an older one read by a slower connection.
            if let current = entries[eventID], current.schedule.event.scheduleVersion > schedule.event.scheduleVersion { return }
            entries[eventID] = Entry(schedule: schedule, validUntil: validUntil)
        }
        return schedule
    }
}
