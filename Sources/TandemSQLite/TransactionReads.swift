import GRDB
import TandemCore
import TandemStore

/// Reads that many writes or messages of one transaction share: a burst of registrations (or of
/// their e-mails) mostly names one event and a few workshops, so each event, session and room
/// name is loaded once per transaction. Lives only inside one `read` or `write` closure.
///
/// A batch mixes events (one group commit holds everyone's registrations), so every cached answer
/// is keyed by the event it was asked for: "session S is not in event X" must never answer a
/// question about event Y.
final class TransactionReads {
    let db: Database
    private var eventsByID: [Int64: Event] = [:]
    private var eventsBySlug: [String: Event] = [:]
    private var sessions: [EventScoped<Session.ID>: Session?] = [:]
    private var rooms: [EventScoped<Room.ID>: String?] = [:]

    /// A cache key: an id as asked for within one event.
    private struct EventScoped<ID: Hashable>: Hashable {
        var event: Event.ID
        var id: ID
    }

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
        let missing = ids.filter { sessions[EventScoped(event: eventID, id: $0)] == nil }
        if !missing.isEmpty {
            let loaded = Dictionary(try db.sessions(ids: Array(missing), in: eventID).map { ($0.id, $0) }) { first, _ in first }
            for id in missing { sessions[EventScoped(event: eventID, id: id)] = .some(loaded[id]) }
        }
        for id in ids {
            if let session = sessions[EventScoped(event: eventID, id: id)] ?? nil, session.eventID == eventID { found[id] = session }
        }
        return found
    }

    /// The names of the event's rooms, by id (other events' rooms are left out).
    func roomNames(_ ids: Set<Room.ID>, in eventID: Event.ID) throws -> [Room.ID: String] {
        var names: [Room.ID: String] = [:]
        for id in ids {
            let key = EventScoped(event: eventID, id: id)
            if rooms[key] == nil {
                rooms[key] = .some(try db.cachedRecord(RoomRecord.self, "SELECT * FROM room WHERE id = ? AND eventId = ?",
                                                       [id.rawValue, eventID.rawValue])?.name)
            }
            if let name = rooms[key] ?? nil { names[id] = name }
        }
        return names
    }
}
