import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    public func createRoom(eventSlug: String, _ room: Room, by actor: String) async throws -> Room {
        try await write(actor: actor) { tx in try await insertRoom(tx, room, in: try await tx.event(slug: eventSlug)) }
    }

    /// Inserts a room inside a write (also the schedule import's).
    func insertRoom(_ tx: PGTransaction, _ room: Room, in event: Event) async throws -> Room {
        var room = room
        room.id = .init(0)
        room.eventID = event.id
        room.name = room.name.trimmingWhitespace
        try ValidationError.check(ProfileRules.validate(room))
        try await ensureUniqueName(tx, room)
        guard let id = try await tx.value(Int64.self, """
            INSERT INTO room (eventId, name, capacity, position) VALUES (\(event.id.rawValue), \(room.name), \(room.capacity), \(room.position))
            RETURNING id
            """) else { throw StoreError.notFound(entity: "room", key: room.name) }
        room.id = Room.ID(id)
        try await tx.append(event: event.id) { _ in .roomCreated(room) }
        return room
    }

    public func updateRoom(eventSlug: String, id: Room.ID, patch: RoomPatch, by actor: String) async throws -> Room {
        try await write(actor: actor) { tx in
            let event = try await tx.event(slug: eventSlug)
            guard let old = try await tx.room(id, in: event.id) else { throw StoreError.notFound(entity: "room", key: id.description) }
            var room = patch.applied(to: old)
            room.name = room.name.trimmingWhitespace
            try ValidationError.check(ProfileRules.validate(room))
            try await ensureUniqueName(tx, room)
            guard room != old else { return old }
            try await tx.execute("""
                UPDATE room SET eventId = \(room.eventID.rawValue), name = \(room.name), capacity = \(room.capacity), position = \(room.position)
                WHERE id = \(room.id.rawValue)
                """)
            try await tx.append(event: event.id) { _ in .roomUpdated(room) }
            return room
        }
    }

    public func deleteRoom(eventSlug: String, id: Room.ID, by actor: String) async throws {
        try await write(actor: actor) { tx in
            let event = try await tx.event(slug: eventSlug)
            guard let room = try await tx.room(id, in: event.id) else { throw StoreError.notFound(entity: "room", key: id.description) }
            let occupants = try await tx.sessions(eventID: event.id).filter { $0.roomID == id }
            if !occupants.isEmpty {
                throw RoomInUse(roomID: id, roomName: room.name, sessions: occupants, timezone: event.timezone)
            }
            try await tx.execute("DELETE FROM room WHERE id = \(id.rawValue)")
            try await tx.append(event: event.id) { _ in .roomDeleted(room) }
        }
    }

    private func ensureUniqueName(_ tx: PGTransaction, _ room: Room) async throws {
        let clash = try await tx.value(Int64.self, """
            SELECT count(*) FROM room WHERE eventId = \(room.eventID.rawValue) AND name = \(room.name) AND id != \(room.id.rawValue)
            """) ?? 0
        if clash > 0 { throw StoreError.conflict(field: "name", message: "this event already has a room named \"\(room.name)\"") }
    }
}
