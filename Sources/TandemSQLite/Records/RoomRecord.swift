import GRDB
import TandemCore
import TandemStore

/// A row of `room`.
struct RoomRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "room"

    var id: Int64?
    var eventId: Int64
    var name: String
    var capacity: Int?
    var position: Int

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RoomRecord {
    init(_ room: Room) {
        self.init(id: room.id.rawValue == 0 ? nil : room.id.rawValue, eventId: room.eventID.rawValue,
                  name: room.name, capacity: room.capacity, position: room.position)
    }

    var domain: Room {
        Room(id: Room.ID(id ?? 0), eventID: Event.ID(eventId), name: name, capacity: capacity, position: position)
    }
}
