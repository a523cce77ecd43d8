import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    /// Writes a whole programme into its event in one transaction: the event if new, missing rooms
    /// and speakers, new sessions, and changes to the sessions already there (matched by guid).
    /// Clashes are checked once, on the end state, so two talks may swap slots; with any clash and
    /// without `allowConflicts` it throws `ScheduleImportConflictError` and nothing is written.
    /// Bad values throw `ValidationError`, naming the session, room or speaker.
    public func importSchedule(_ plan: ScheduleImport, by actor: String) async throws -> ScheduleImportResult {
        // A dry run rolls its transaction back, by throwing what it would have done.
        do {
            return try await write(actor: actor) { db, log in
                var result = ScheduleImportResult()
                let event: Event
                if try EventRecord.filter(Column("slug") == plan.slug).fetchCount(db) > 0 {
                    event = try db.event(slug: plan.slug)
                } else if let newEvent = plan.newEvent {
                    event = try labelled("the event") { try insertEvent(db, log, newEvent) }
                    result.eventCreated = true
                } else {
                    throw StoreError.notFound(entity: "event", key: plan.slug)
                }

                var rooms = Dictionary(try db.rooms(eventID: event.id).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
                let roomNames = Dictionary(rooms.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
                for name in plan.rooms where rooms[name] == nil {
                    let room = try labelled("room \"\(name)\"") {
                        try insertRoom(db, log, Room(id: .init(0), eventID: event.id, name: name), in: event)
                    }
                    rooms[name] = room.id
                    result.roomsCreated += 1
                    result.newRooms.append(room.name)
                }

                var speakers = Dictionary(try db.speakersInDirectoryOrder().map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
                for person in plan.speakers where speakers[person.name] == nil {
                    let speaker = try labelled("speaker \"\(person.name)\"") {
                        try insertSpeaker(db, log, Speaker(id: .init(0), name: person.name, bio: person.biography.map { TranslatedText(en: $0) }))
                    }
                    speakers[person.name] = speaker.id
                    result.speakersCreated += 1
                    result.newSpeakers.append(speaker.name)
                }

                let existing = Dictionary(try db.sessions(eventID: event.id).map { ($0.guid, $0) }, uniquingKeysWith: { first, _ in first })
                for talk in plan.talks {
                    let label = talk.label(in: event.zone)
                    guard let roomID = rooms[talk.room] else {
                        throw ValidationError(field: label, message: "its room \"\(talk.room)\" is not among the rooms")
                    }
                    let speakerIDs = talk.speakers.compactMap { speakers[$0] }
                    guard let current = existing[talk.guid] else {
                        if let slug = try String.fetchOne(db, sql: """
                            SELECT event.slug FROM session JOIN event ON event.id = session.eventId WHERE session.guid = ?
                            """, arguments: [talk.guid.uuidString.lowercased()]) {
                            throw StoreError.conflict(field: "guid", message: "\(label) has guid \(talk.guid.uuidString.lowercased()), "
                                + "which belongs to a session of event \"\(slug)\"; import this file into that event (its slug), or give the session a new guid")
                        }
                        let session = talk.session(in: event.id, roomID: roomID, speakerIDs: speakerIDs)
                        _ = try labelled(label) { try insertSession(db, log, session, in: event, checkConflicts: false) }
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
                        _ = try labelled(label) {
                            try updateSession(db, log, id: current.id, patch: patch, ifVersion: nil, in: event, checkConflicts: false)
                        }
                        result.sessionsUpdated += 1
                    }
                }

                result.conflicts = try conflicts(db, in: event, touching: Set(plan.talks.map(\.guid)))
                return try result.concluded(plan, timezone: event.timezone)
            }
        } catch let rolledBack as ScheduleImportRolledBack {
            return rolledBack.result
        }
    }

    /// Every clash in the event's schedule as it now stands that involves a session of the import,
    /// each pair once, the earlier session first.
    private func conflicts(_ db: Database, in event: Event, touching guids: Set<UUID>) throws -> [ImportConflict] {
        let clashes = ImportConflict.clashes(among: try db.sessions(eventID: event.id), touching: guids) // by start, then id
        guard !clashes.isEmpty else { return [] }
        let roomNames = Dictionary(try db.rooms(eventID: event.id).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let speakers = try db.speakers(ids: ImportConflict.speakerIDs(in: clashes))
        return ImportConflict.named(clashes, roomNames: roomNames, speakerNames: speakers.mapValues(\.name), timezone: event.timezone)
    }
}

/// Runs `body`, naming what it was about in the field errors it throws ("room \"Saal 1\" name: …").
private func labelled<T>(_ what: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ValidationError {
        throw ValidationError(error.errors.map { FieldError(field: "\(what) \($0.field)", message: $0.message) })
    }
}
