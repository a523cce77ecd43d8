import Foundation
import GRDB
import TandemCore
import TandemStore

/// Loading domain values inside a transaction; shared by reads and writes.
extension Database {
    func eventRecord(slug: String) throws -> EventRecord {
        guard let record = try cachedRecord(EventRecord.self, "SELECT * FROM event WHERE slug = ?", [slug]) else {
            throw StoreError.notFound(entity: "event", key: slug)
        }
        return record
    }

    func event(_ record: EventRecord) throws -> Event {
        let parentSlug = try record.parentId.flatMap { try cachedValue(String.self, "SELECT slug FROM event WHERE id = ?", [$0]) }
        return try record.domain(parentSlug: parentSlug)
    }

    func event(slug: String) throws -> Event {
        try event(eventRecord(slug: slug))
    }

    func rooms(eventID: Event.ID) throws -> [Room] {
        try RoomRecord.filter(Column("eventId") == eventID.rawValue)
            .order(Column("position"), Column("id")).fetchAll(self).map(\.domain)
    }

    func room(_ id: Room.ID, in eventID: Event.ID) throws -> Room? {
        try RoomRecord.filter(Column("id") == id.rawValue && Column("eventId") == eventID.rawValue).fetchOne(self)?.domain
    }

    /// Speaker ids per session, in their listed order.
    private func speakerIDs(sessionIDs: [Int64]) throws -> [Int64: [Speaker.ID]] {
        guard !sessionIDs.isEmpty else { return [:] }
        let rows = try SessionSpeakerRecord.filter(sessionIDs.contains(Column("sessionId")))
            .order(Column("sessionId"), Column("position")).fetchAll(self)
        return Dictionary(grouping: rows, by: \.sessionId).mapValues { $0.map { Speaker.ID($0.speakerId) } }
    }

    func sessions(eventID: Event.ID) throws -> [Session] {
        let records = try SessionRecord.filter(Column("eventId") == eventID.rawValue)
            .order(Column("startsAt"), Column("id")).fetchAll(self)
        let speakers = try speakerIDs(sessionIDs: records.compactMap(\.id))
        return try records.map { try $0.domain(speakerIDs: speakers[$0.id ?? 0] ?? []) }
    }

    /// Only the given sessions of an event (a registration's few choices), from cached statements.
    func sessions(ids: some Collection<Session.ID>, in eventID: Event.ID) throws -> [Session] {
        try ids.compactMap { id -> Session? in
            guard let record = try cachedRecord(SessionRecord.self, "SELECT * FROM session WHERE id = ? AND eventId = ?",
                                                [id.rawValue, eventID.rawValue]) else { return nil }
            let speakers = try cachedValues(Int64.self, "SELECT speakerId FROM sessionSpeaker WHERE sessionId = ? ORDER BY position", [id.rawValue])
            return try record.domain(speakerIDs: speakers.map { Speaker.ID($0) })
        }.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }
    }

    func session(_ id: Session.ID, in eventID: Event.ID) throws -> Session {
        guard let record = try SessionRecord.filter(Column("id") == id.rawValue && Column("eventId") == eventID.rawValue).fetchOne(self) else {
            throw StoreError.notFound(entity: "session", key: id.description)
        }
        return try record.domain(speakerIDs: speakerIDs(sessionIDs: [id.rawValue])[id.rawValue] ?? [])
    }

    func speakers(ids: some Collection<Speaker.ID>) throws -> [Speaker.ID: Speaker] {
        guard !ids.isEmpty else { return [:] }
        let records = try SpeakerRecord.filter(ids.map(\.rawValue).contains(Column("id"))).fetchAll(self)
        return Dictionary(uniqueKeysWithValues: records.map { (Speaker.ID($0.id ?? 0), $0.domain) })
    }

    /// Sessions with their speakers, in the sessions' order.
    func details(_ sessions: [Session]) throws -> [SessionDetail] {
        let speakers = try self.speakers(ids: Set(sessions.flatMap(\.speakerIDs)))
        return sessions.map { session in
            SessionDetail(session: session, speakers: session.speakerIDs.compactMap { speakers[$0] })
        }
    }

    func detail(_ session: Session) throws -> SessionDetail {
        try details([session])[0]
    }

    /// Replaces the speaker list of a session.
    func setSpeakers(_ speakerIDs: [Speaker.ID], of sessionID: Session.ID) throws {
        try SessionSpeakerRecord.filter(Column("sessionId") == sessionID.rawValue).deleteAll(self)
        for (position, speakerID) in speakerIDs.enumerated() {
            try SessionSpeakerRecord(sessionId: sessionID.rawValue, speakerId: speakerID.rawValue, position: position).insert(self)
        }
    }

    /// Field errors for speaker ids that do not exist.
    func unknownSpeakers(_ ids: [Speaker.ID]) throws -> [FieldError] {
        let known = try speakers(ids: Set(ids))
        return ids.filter { known[$0] == nil }.map {
            FieldError(field: "speakerIds", message: "no speaker with id \($0)")
        }
    }
}
