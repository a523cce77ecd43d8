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
///
/// It is a `ChangeSink`, handed each commit before the live hub: an event's entry is dropped when a
/// change of it commits, and an entry older than the newest committed change is never stored. So an
/// entry, while it is there, is the event's current version, and a connection that subscribed to
/// the hub before looking here can open from it without reading the store (`cachedOpening`):
/// anything committed after the entry was made either dropped it already or reaches the
/// connection through the hub.
final class OpeningSchedules: ChangeSink {
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

    private struct State {
        var entries: [Event.ID: Entry] = [:]
        /// The newest seq committed per event.
        var committed: [Event.ID: Int64] = [:]

        func current(_ eventID: Event.ID, at now: Date) -> Entry? {
            guard let entry = entries[eventID], entry.serves(version: entry.schedule.event.scheduleVersion, at: now) else { return nil }
            return entry
        }
    }

    private let state = Mutex(State())

    func committed(_ changes: [Change]) {
        let versions = Dictionary(changes.compactMap { c in c.eventID.flatMap { id in c.seq.map { (id, $0) } } }, uniquingKeysWith: max)
        guard !versions.isEmpty else { return }
        state.withLock { state in
            for (eventID, seq) in versions {
                state.committed[eventID] = max(state.committed[eventID] ?? 0, seq)
                if let entry = state.entries[eventID], entry.schedule.event.scheduleVersion < seq { state.entries[eventID] = nil }
            }
        }
    }

    /// What a connection opens with, from memory and without waiting, when the event's current
    /// version is known here: no frames when it resumes from that version (nothing missed: every
    /// screen when the venue's Wi-Fi comes back), the shared snapshot when it asks for one (or for a
    /// `since` ahead of the server's). Nil when the store must be read: nothing known, the snapshot
    /// for this room not encoded yet, or changes to replay.
    func cachedOpening(eventID: Event.ID, since: Int64?, room: Int64?, at now: Date) -> (frames: [LiveFrame], known: Set<Int64>)? {
        state.withLock { state in
            let entry = state.current(eventID, at: now)
            // The event's current version as far as this process knows: the newest change handed
            // to it (before the hub had it), or the version of the schedule read since.
            let versions = [state.committed[eventID], entry?.schedule.event.scheduleVersion].compactMap { $0 }
            if let since, let version = versions.max() {
                if since == version { return ([], []) }
                if since < version { return nil }
            }
            guard let entry, let snapshot = entry.snapshots[room] else { return nil }
            if let since, since < entry.schedule.event.scheduleVersion { return nil }
            return ([snapshot.frame], snapshot.known)
        }
    }

    /// The event's schedule at `version`, from memory when it is there, else from `read`.
    func schedule(eventID: Event.ID, version: Int64, at now: Date, read: () async throws -> EventSchedule) async throws -> EventSchedule {
        let cached = state.withLock { state -> EventSchedule? in
            guard let entry = state.entries[eventID], entry.serves(version: version, at: now) else { return nil }
            return entry.schedule
        }
        if let cached { return cached }
        let schedule = try await read()
        let validUntil = schedule.announcements.compactMap(\.expiresAt).filter { $0 > now }.min()
        state.withLock { state in
            let read = schedule.event.scheduleVersion
            // Never an entry older than a committed change (a slow connection's read), never one
            // that replaces a newer version, nor one of the same version (it may hold snapshots).
            if let committed = state.committed[eventID], read < committed { return }
            if let current = state.entries[eventID] {
                let version = current.schedule.event.scheduleVersion
                if version > read { return }
                if version == read, current.serves(version: version, at: now) { return }
            }
            state.entries[eventID] = Entry(schedule: schedule, validUntil: validUntil)
        }
        return schedule
    }

    /// The snapshot frame of the event at `version` for `room` (nil: every room), encoded once per
    /// version and room filter and shared by every connection that opens with it.
    func snapshot(eventID: Event.ID, version: Int64, room: Int64?, at now: Date,
                  read: () async throws -> EventSchedule) async throws -> Snapshot {
        let cached = state.withLock { state -> Snapshot? in
            guard let entry = state.entries[eventID], entry.serves(version: version, at: now) else { return nil }
            return entry.snapshots[room]
        }
        if let cached { return cached }
        let schedule = try await self.schedule(eventID: eventID, version: version, at: now, read: read)
        let snapshot = try LiveMessage.snapshot(schedule, room: room, at: now)
        state.withLock { state in
            // Kept only with the schedule it was made from; a newer entry does not take it.
            guard var entry = state.entries[eventID], entry.schedule.event.scheduleVersion == schedule.event.scheduleVersion else { return }
            state.entries[eventID] = nil
            entry.snapshots[room] = snapshot
            state.entries[eventID] = entry
        }
        return snapshot
    }
}
