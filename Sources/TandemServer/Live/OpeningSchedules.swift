import Foundation
import Synchronization
import TandemCore
import TandemStore

/// The schedule a live connection opens with, kept per event and version: when a screen wall or a
/// venue's phones connect at once, one read of the store serves them all, and one encoding of the
/// snapshot frame (per room filter) is shared by every connection, as change frames are. An entry
/// serves only the version it was read at (the caller reads the current version first), and only
/// until its first announcement expires, since announcements end by the clock, not by a change.
///
/// A shared snapshot's `at` is when it was first encoded: the state it shows is that of its `seq`,
/// which is the same for every connection that gets it.
final class OpeningSchedules: Sendable {
    typealias Snapshot = (frame: LiveFrame, known: Set<Int64>)

    private struct Entry {
        var schedule: EventSchedule
        var validUntil: Date?
        /// The encoded snapshot per room filter (nil: every room).
        var snapshots: [Int64?: Snapshot] = [:]

        func serves(version: Int64, at now: Date) -> Bool {
            guard schedule.event.scheduleVersion == version else { return false }
            if let validUntil, now >= validUntil { return false }
            return true
        }
    }

    private let entries = Mutex<[Event.ID: Entry]>([:])

    /// The event's schedule at `version`, from memory when it is there, else from `read`.
    func schedule(eventID: Event.ID, version: Int64, at now: Date, read: () async throws -> EventSchedule) async throws -> EventSchedule {
        let cached = entries.withLock { entries -> EventSchedule? in
            guard let entry = entries[eventID], entry.serves(version: version, at: now) else { return nil }
            return entry.schedule
        }
        if let cached { return cached }
        let schedule = try await read()
        let validUntil = schedule.announcements.compactMap(\.expiresAt).filter { $0 > now }.min()
        entries.withLock { entries in
            // Never replace a newer version with an older one read by a slower connection, nor an
            // entry of the same version (it may hold encoded snapshots already).
            if let current = entries[eventID] {
                let version = current.schedule.event.scheduleVersion
                if version > schedule.event.scheduleVersion { return }
                if version == schedule.event.scheduleVersion, current.serves(version: version, at: now) { return }
            }
            entries[eventID] = Entry(schedule: schedule, validUntil: validUntil)
        }
        return schedule
    }

    /// The snapshot frame of the event at `version` for `room` (nil: every room), encoded once per
    /// version and room filter and shared by every connection that opens with it.
    func snapshot(eventID: Event.ID, version: Int64, room: Int64?, at now: Date,
                  read: () async throws -> EventSchedule) async throws -> Snapshot {
        let cached = entries.withLock { entries -> Snapshot? in
            guard let entry = entries[eventID], entry.serves(version: version, at: now) else { return nil }
            return entry.snapshots[room]
        }
        if let cached { return cached }
        let schedule = try await self.schedule(eventID: eventID, version: version, at: now, read: read)
        let snapshot = try LiveMessage.snapshot(schedule, room: room, at: now)
        entries.withLock { entries in
            // Kept only with the schedule it was made from; a newer entry does not take it.
            guard var entry = entries[eventID], entry.schedule.event.scheduleVersion == schedule.event.scheduleVersion else { return }
            entries[eventID] = nil
            entry.snapshots[room] = snapshot
            entries[eventID] = entry
        }
        return snapshot
    }
}
