import GRDB
import TandemCore

/// Reads that many writes or messages of one transaction share: a burst of registrations (or of
/// their e-mails) mostly names one event and a few workshops, so each event, session and room
/// name is loaded once per transaction. Lives only inside one `read` or `write` closure.
final class TransactionReads {
    let db: Database
    private var eventsByID: [Int64: Event] = [:]
    private var eventsBySlug: [String: Event] = [:]
    private var sessions: [Session.ID: Session?] = [:]
    private var rooms: [Room.ID: String?] = [:]

    init(db: Database) {
        self.db = db
    }

    func event(id: Int64) throws -> Event {
        if let event = eventsByID[id] { return event }
        return remember(try db.event(db.eventRecordByID(id)))
    }

    func event(slug: String) throws -> Event {
        if let event = eventsBySlug[slug] { return event }
        return remember(try db.event(slug: slug))
    }

    private func remember(_ event: Event) -> Event {
        eventsByID[event.id.rawValue] = event
        eventsBySlug[event.slug] = event
        return event
    }

    /// The named sessions of the event, by id (unknown ids and other events' sessions are left out).
    func sessions(_ ids: Set<Session.ID>, in eventID: Event.ID) throws -> [Session.ID: Session] {
        var found: [Session.ID: Session] = [:]
        for id in ids {
            if sessions[id] == nil { sessions[id] = .some(try db.sessions(ids: [id], in: eventID).first) }
            if let session = sessions[id] ?? nil, session.eventID == eventID { found[id] = session }
        }
        return found
    }

    func roomNames(_ ids: Set<Room.ID>) throws -> [Room.ID: String] {
        var names: [Room.ID: String] = [:]
        for id in ids {
            if rooms[id] == nil {
                rooms[id] = .some(try db.cachedRecord(RoomRecord.self, "SELECT * FROM room WHERE id = ?", [id.rawValue])?.name)
            }
            if let name = rooms[id] ?? nil { names[id] = name }
        }
        return names
    }
}
