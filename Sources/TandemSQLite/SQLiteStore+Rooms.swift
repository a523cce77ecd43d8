import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func createRoom(eventSlug: String, _ room: Room, by actor: String) async throws -> Room {
        try await write(actor: actor) { db, log in try insertRoom(db, log, room, in: try db.event(slug: eventSlug)) }
    }

    /// Inserts a room inside a write (also the schedule import's).
    func insertRoom(_ db: Database, _ log: ChangeLog, _ room: Room, in event: Event) throws -> Room {
        var room = room
        room.id = .init(0)
        room.eventID = event.id
        room.name = room.name.trimmingWhitespace
        try ValidationError.check(ProfileRules.validate(room))
        try ensureUniqueName(db, room)
        var record = RoomRecord(room)
        try record.insert(db)
        room.id = Room.ID(record.id!)
        try log.append(event: event.id) { _ in .roomCreated(room) }
        return room
    }

    public func updateRoom(eventSlug: String, id: Room.ID, patch: RoomPatch, by actor: String) async throws -> Room {
        try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            guard let old = try db.room(id, in: event.id) else { throw StoreError.notFound(entity: "room", key: id.description) }
            var room = patch.applied(to: old)
            room.name = room.name.trimmingWhitespace
            try ValidationError.check(ProfileRules.validate(room))
            try ensureUniqueName(db, room)
            guard room != old else { return old }
            try RoomRecord(room).update(db)
            try log.append(event: event.id) { _ in .roomUpdated(room) }
            return room
        }
    }

    public func deleteRoom(eventSlug: String, id: Room.ID, by actor: String) async throws {
        try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            guard let room = try db.room(id, in: event.id) else { throw StoreError.notFound(entity: "room", key: id.description) }
            let occupants = try db.sessions(eventID: event.id).filter { $0.roomID == id }
            if !occupants.isEmpty {
                throw RoomInUse(roomID: id, roomName: room.name, sessions: occupants, timezone: event.timezone)
            }
            try RoomRecord.deleteOne(db, key: id.rawValue)
            try log.append(event: event.id) { _ in .roomDeleted(room) }
        }
    }

    private func ensureUniqueName(_ db: Database, _ room: Room) throws {
        let clash = try RoomRecord
            .filter(Column("eventId") == room.eventID.rawValue && Column("name") == room.name && Column("id") != room.id.rawValue)
            .fetchCount(db)
        if clash > 0 { throw StoreError.conflict(field: "name", message: "this event already has a room named \"\(room.name)\"") }
    }
}
