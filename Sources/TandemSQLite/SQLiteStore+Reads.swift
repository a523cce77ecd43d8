import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func events(includeDrafts: Bool) async throws -> [Event] {
        try await read { db in
            var request = EventRecord.order(Column("startsAt"), Column("id"))
            if !includeDrafts { request = request.filter(Column("status") != Event.Status.draft.rawValue) }
            return try request.fetchAll(db).map { try db.event($0) }
        }
    }

    public func event(slug: String) async throws -> Event {
        try await read { db in try db.event(slug: slug) }
    }

    public func scheduleVersion(slug: String) async throws -> Int64 {
        try await read { db in
            guard let version = try Int64.fetchOne(db, sql: "SELECT scheduleVersion FROM event WHERE slug = ?", arguments: [slug]) else {
                throw StoreError.notFound(entity: "event", key: slug)
            }
            return version
        }
    }

    public func schedule(slug: String, announcementsActiveAt instant: Date) async throws -> EventSchedule {
        try await read { db in
            let event = try db.event(slug: slug)
            let announcements = try AnnouncementRecord
                .filter(Column("eventId") == event.id.rawValue)
                .filter(Column("expiresAt") == nil || Column("expiresAt") > instant)
                .order(Column("createdAt"), Column("id")).fetchAll(db).map { try $0.domain() }
            return EventSchedule(
                event: event, rooms: try db.rooms(eventID: event.id),
                sessions: try db.details(db.sessions(eventID: event.id)), announcements: announcements)
        }
    }

    public func session(eventSlug: String, id: Session.ID) async throws -> SessionDetail {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            return try db.detail(db.session(id, in: Event.ID(event.id!)))
        }
    }

    public func speakers(eventSlug: String) async throws -> [Speaker] {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            return try SpeakerRecord.fetchAll(db, sql: """
                SELECT DISTINCT speaker.* FROM speaker
                JOIN sessionSpeaker ON sessionSpeaker.speakerId = speaker.id
                JOIN session ON session.id = sessionSpeaker.sessionId
                WHERE session.eventId = ? ORDER BY speaker.name, speaker.id
                """, arguments: [event.id]).map(\.domain)
        }
    }

    public func speakerDirectory(fellowsOnly: Bool, cohort: Int?) async throws -> [SpeakerAppearances] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if fellowsOnly { conditions.append("fellowCohort IS NOT NULL") }
            if let cohort { conditions.append("fellowCohort = ?"); _ = arguments.append(contentsOf: [cohort]) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let speakers = try SpeakerRecord.fetchAll(db, sql: "SELECT * FROM speaker \(filter) ORDER BY fellowCohort DESC, name, id",
                                                      arguments: arguments).map(\.domain)
            var appearances: [Int64: [SpeakerAppearances.Appearance]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT sessionSpeaker.speakerId, event.slug, event.titleEn, event.titleZh, event.timezone,
                       session.id, session.titleEn, session.titleZh, session.startsAt
                FROM sessionSpeaker
                JOIN session ON session.id = sessionSpeaker.sessionId
                JOIN event ON event.id = session.eventId
                WHERE event.status = 'published' AND session.status = 'scheduled'
                ORDER BY session.startsAt, session.id
                """) {
                appearances[row[0], default: []].append(SpeakerAppearances.Appearance(
                    eventSlug: row[1], eventTitle: TranslatedText(en: row[2], zh: row[3]), timezone: row[4],
                    sessionID: Session.ID(row[5]), title: TranslatedText(en: row[6], zh: row[7]), startsAt: row[8]))
            }
            return speakers.map { SpeakerAppearances(speaker: $0, sessions: appearances[$0.id.rawValue] ?? []) }
        }
    }

    public func speaker(id: Speaker.ID) async throws -> Speaker {
        try await read { db in
            guard let record = try SpeakerRecord.fetchOne(db, key: id.rawValue) else {
                throw StoreError.notFound(entity: "speaker", key: id.description)
            }
            return record.domain
        }
    }

    public func changes(eventSlug: String, after seq: Int64, limit: Int) async throws -> [Change] {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            return try ChangeRecord.filter(Column("eventId") == event.id && Column("seq") > seq)
                .order(Column("seq")).limit(limit).fetchAll(db).map { try $0.domain() }
        }
    }

    public func isEmpty() async throws -> Bool {
        try await read { db in try EventRecord.fetchCount(db) == 0 }
    }
}

extension SQLiteStore {
    /// When each session of an event last changed (created, edited, moved, delayed, cancelled), from
    /// the change log: calendar exports give it as LAST-MODIFIED.
    public func sessionsLastModified(eventSlug: String) async throws -> [Session.ID: Date] {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            var result: [Session.ID: Date] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT sessionId, MAX(at) FROM (
                    SELECT json_extract(payload, '$.session.id') AS sessionId, at FROM change
                    WHERE eventId = ? AND type LIKE 'session.%'
                    UNION ALL
                    SELECT json_extract(each.value, '$.session.id'), change.at FROM change, json_each(change.payload, '$.sessions') AS each
                    WHERE change.eventId = ? AND change.type = 'schedule.delayed'
                ) WHERE sessionId IS NOT NULL GROUP BY sessionId
                """, arguments: [event.id, event.id]) {
                result[Session.ID(row[0])] = row[1]
            }
            return result
        }
    }
}
