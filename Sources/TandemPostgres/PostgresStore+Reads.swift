import Foundation
import PostgresNIO
import TandemCore
import TandemStore

extension PostgresStore {
    public func events(includeDrafts: Bool) async throws -> [Event] {
        try await readStatement { tx in
            let filter = includeDrafts ? "" : "WHERE status != '\(Event.Status.draft.rawValue)'"
            return try await tx.query("SELECT \(unescaped: PGTransaction.eventColumns) FROM event \(unescaped: filter) ORDER BY startsAt, id")
                .map(PGTransaction.decodeEvent)
        }
    }

    public func event(slug: String) async throws -> Event {
        try await readStatement { tx in try await tx.event(slug: slug) }
    }

    public func scheduleVersion(slug: String) async throws -> Int64 {
        try await readStatement { tx in
            guard let version = try await tx.value(Int64.self, "SELECT scheduleVersion FROM event WHERE slug = \(slug)") else {
                throw StoreError.notFound(entity: "event", key: slug)
            }
            return version
        }
    }

    public func schedule(slug: String, announcementsActiveAt instant: Date) async throws -> EventSchedule {
        try await read { tx in
            let event = try await tx.event(slug: slug)
            let announcements = try await tx.query("""
                SELECT \(unescaped: PGTransaction.announcementColumns) FROM announcement
                WHERE eventId = \(event.id.rawValue) AND (expiresAt IS NULL OR expiresAt > \(instant))
                ORDER BY createdAt, id
                """).map(PGTransaction.decodeAnnouncement)
            return EventSchedule(
                event: event, rooms: try await tx.rooms(eventID: event.id),
                sessions: try await tx.details(tx.sessions(eventID: event.id)), announcements: announcements)
        }
    }

    public func session(eventSlug: String, id: Session.ID) async throws -> SessionDetail {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            return try await tx.detail(tx.session(id, in: eventID))
        }
    }

    public func speakers(eventSlug: String) async throws -> [Speaker] {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            let columns = PGTransaction.speakerColumns.split(separator: ", ").map { "speaker.\($0)" }.joined(separator: ", ")
            return try await tx.query("""
                SELECT DISTINCT \(unescaped: columns) FROM speaker
                JOIN sessionSpeaker ON sessionSpeaker.speakerId = speaker.id
                JOIN session ON session.id = sessionSpeaker.sessionId
                WHERE session.eventId = \(eventID.rawValue) ORDER BY speaker.name, speaker.id
                """).map(PGTransaction.decodeSpeaker)
        }
    }

    public func speakerDirectory(fellowsOnly: Bool, cohort: Int?) async throws -> [SpeakerAppearances] {
        try await read { tx in
            let speakers: [Speaker]
            if let cohort {
                speakers = try await tx.query("""
                    SELECT \(unescaped: PGTransaction.speakerColumns) FROM speaker
                    WHERE fellowCohort IS NOT NULL AND fellowCohort = \(cohort) ORDER BY fellowCohort DESC NULLS LAST, name, id
                    """).map(PGTransaction.decodeSpeaker)
            } else {
                let filter = fellowsOnly ? "WHERE fellowCohort IS NOT NULL" : ""
                speakers = try await tx.query("""
                    SELECT \(unescaped: PGTransaction.speakerColumns) FROM speaker \(unescaped: filter) ORDER BY fellowCohort DESC NULLS LAST, name, id
                    """).map(PGTransaction.decodeSpeaker)
            }
            var appearances: [Int64: [SpeakerAppearances.Appearance]] = [:]
            for row in try await tx.query("""
                SELECT sessionSpeaker.speakerId, event.slug, event.titleEn, event.titleZh, event.timezone,
                       session.id, session.titleEn, session.titleZh, session.startsAt
                FROM sessionSpeaker
                JOIN session ON session.id = sessionSpeaker.sessionId
                JOIN event ON event.id = session.eventId
                WHERE event.status = 'published' AND session.status = 'scheduled'
                ORDER BY session.startsAt, session.id
                """) {
                var c = PGCursor(row)
                let speakerID: Int64 = try c.next(), slug: String = try c.next(), eventEn: String = try c.next(), eventZh: String? = try c.next()
                let timezone: String = try c.next(), sessionID: Int64 = try c.next(), titleEn: String = try c.next()
                let titleZh: String? = try c.next(), startsAt: Date = try c.next()
                appearances[speakerID, default: []].append(SpeakerAppearances.Appearance(
                    eventSlug: slug, eventTitle: TranslatedText(en: eventEn, zh: eventZh), timezone: timezone,
                    sessionID: Session.ID(sessionID), title: TranslatedText(en: titleEn, zh: titleZh), startsAt: startsAt))
            }
            return speakers.map { SpeakerAppearances(speaker: $0, sessions: appearances[$0.id.rawValue] ?? []) }
        }
    }

    public func speaker(id: Speaker.ID) async throws -> Speaker {
        try await readStatement { tx in
            guard let speaker = try await tx.speaker(id: id) else {
                throw StoreError.notFound(entity: "speaker", key: id.description)
            }
            return speaker
        }
    }

    public func changes(eventSlug: String, after seq: Int64, limit: Int) async throws -> [Change] {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            return try await tx.query("""
                SELECT \(unescaped: PGTransaction.changeColumns) FROM change
                WHERE eventId = \(eventID.rawValue) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
                """).map(PGTransaction.decodeChange)
        }
    }

    public func isEmpty() async throws -> Bool {
        try await read { tx in try await tx.value(Int64.self, "SELECT count(*) FROM event") ?? 0 == 0 }
    }

    /// When each session of an event last changed (created, edited, moved, delayed, cancelled), from
    /// the change log: calendar exports give it as LAST-MODIFIED.
    public func sessionsLastModified(eventSlug: String) async throws -> [Session.ID: Date] {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug).rawValue
            var result: [Session.ID: Date] = [:]
            for row in try await tx.query("""
                SELECT sessionId, MAX(at) FROM (
                    SELECT (payload::jsonb -> 'session' ->> 'id')::bigint AS sessionId, at FROM change
                    WHERE eventId = \(eventID) AND type LIKE 'session.%'
                    UNION ALL
                    SELECT (each.value -> 'session' ->> 'id')::bigint, change.at
                    FROM change, jsonb_array_elements(change.payload::jsonb -> 'sessions') AS each(value)
                    WHERE change.eventId = \(eventID) AND change.type = 'schedule.delayed'
                ) AS modified WHERE sessionId IS NOT NULL GROUP BY sessionId
                """) {
                let (id, at) = try row.decode((Int64, Date).self)
                result[Session.ID(id)] = at
            }
            return result
        }
    }
}
