import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    /// Writes a whole programme into its event in one transaction: the event if new, missing rooms
    /// and speakers, new sessions, and changes to the sessions already there (matched by guid).
    /// Clashes are checked once, on the end state, so two talks may swap slots; with any clash and
    /// without `allowConflicts` it throws `ScheduleImportConflictError` and nothing is written.
    /// Bad values throw `ValidationError`, naming the session, room or speaker.
    public func importSchedule(_ plan: ScheduleImport, by actor: String) async throws -> ScheduleImportResult {
        // A dry run rolls its transaction back, by throwing what it would have done.
        do {
            return try await write(actor: actor) { tx in
                var result = ScheduleImportResult()
                let event: Event
                if try await tx.value(Int64.self, "SELECT count(*) FROM event WHERE slug = \(plan.slug)") ?? 0 > 0 {
                    event = try await tx.event(slug: plan.slug)
                } else if let newEvent = plan.newEvent {
                    event = try await labelled("the event") { try await insertEvent(tx, newEvent) }
                    result.eventCreated = true
                } else {
                    throw StoreError.notFound(entity: "event", key: plan.slug)
                }
                // The import decides on the event's rooms and sessions as they stand: one writer per event.
                try await lockEvent(tx, event.id)

                var rooms = Dictionary(try await tx.rooms(eventID: event.id).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
                let roomNames = Dictionary(rooms.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
                for name in plan.rooms where rooms[name] == nil {
                    let room = try await labelled("room \"\(name)\"") {
                        try await insertRoom(tx, Room(id: .init(0), eventID: event.id, name: name), in: event)
                    }
                    rooms[name] = room.id
                    result.roomsCreated += 1
                    result.newRooms.append(room.name)
                }

                var speakers = Dictionary(try await tx.speakersInDirectoryOrder().map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
                for person in plan.speakers where speakers[person.name] == nil {
                    let speaker = try await labelled("speaker \"\(person.name)\"") {
                        try await insertSpeaker(tx, Speaker(id: .init(0), name: person.name, bio: person.biography.map { TranslatedText(en: $0) }))
                    }
                    speakers[person.name] = speaker.id
                    result.speakersCreated += 1
                    result.newSpeakers.append(speaker.name)
                }

                let existing = Dictionary(try await tx.sessions(eventID: event.id).map { ($0.guid, $0) }, uniquingKeysWith: { first, _ in first })
                for talk in plan.talks {
                    let label = talk.label(in: event.zone)
                    guard let roomID = rooms[talk.room] else {
                        throw ValidationError(field: label, message: "its room \"\(talk.room)\" is not among the rooms")
                    }
                    let speakerIDs = talk.speakers.compactMap { speakers[$0] }
                    guard let current = existing[talk.guid] else {
                        if let slug = try await tx.value(String.self, """
                            SELECT event.slug FROM session JOIN event ON event.id = session.eventId WHERE session.guid = \(talk.guid.uuidString.lowercased())
                            """) {
                            throw StoreError.conflict(field: "guid", message: "\(label) has guid \(talk.guid.uuidString.lowercased()), "
                                + "which belongs to a session of event \"\(slug)\"; import this file into that event (its slug), or give the session a new guid")
                        }
                        let session = talk.session(in: event.id, roomID: roomID, speakerIDs: speakerIDs)
                        _ = try await labelled(label) { try await insertSession(tx, session, in: event, checkConflicts: false) }
                        result.sessionsCreated += 1
                        result.sessionChanges.append(SessionImportChange(new: talk))
                        continue
                    }
                    let patch = talk.patch(over: current, roomID: roomID, speakerIDs: speakerIDs)
                    if patch == SessionPatch() {
                        result.sessionsUnchanged += 1
                    } else {
                        result.sessionChanges.append(SessionImportChange(changed: talk, current: current,
                                                                       currentRoom: roomNames[current.roomID] ?? "", patch: patch))
                        _ = try await labelled(label) {
                            try await updateSession(tx, id: current.id, patch: patch, ifVersion: nil, in: event, checkConflicts: false)
                        }
                        result.sessionsUpdated += 1
                    }
                }

                result.conflicts = try await conflicts(tx, in: event, touching: Set(plan.talks.map(\.guid)))
                return try result.concluded(plan, timezone: event.timezone)
            }
        } catch let rolledBack as ScheduleImportRolledBack {
            return rolledBack.result
        }
    }

    /// Every clash in the event's schedule as it now stands that involves a session of the import,
    /// each pair once, the earlier session first.
    private func conflicts(_ tx: PGTransaction, in event: Event, touching guids: Set<UUID>) async throws -> [ImportConflict] {
        let clashes = ImportConflict.clashes(among: try await tx.sessions(eventID: event.id), touching: guids) // by start, then id
        guard !clashes.isEmpty else { return [] }
        let roomNames = Dictionary(try await tx.rooms(eventID: event.id).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let speakers = try await tx.speakers(ids: ImportConflict.speakerIDs(in: clashes))
        return ImportConflict.named(clashes, roomNames: roomNames, speakerNames: speakers.mapValues(\.name), timezone: event.timezone)
    }
}

/// Runs `body`, naming what it was about in the field errors it throws ("room \"Saal 1\" name: …").
private func labelled<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ValidationError {
        throw ValidationError(error.errors.map { FieldError(field: "\(what) \($0.field)", message: $0.message) })
    }
}
