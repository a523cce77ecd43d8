import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// Reads a row's cells in order.
struct PGCursor {
    private let row: PostgresRandomAccessRow
    private var index = 0

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        defer { index += 1 }
        return try row[index].decode(T.self)
    }
}

/// A row the store cannot turn back into its domain value.
struct PGCorruptRow: Error, CustomStringConvertible {
    var table: String
    var id: Int64?
    var description: String { "unreadable row \(id.map(String.init) ?? "?") in \(table)" }
}

/// Loading domain values inside a transaction; shared by reads and writes (and the registrations).
extension PGTransaction {
    static let eventColumns = """
        event.id, event.slug, event.kind, event.status, event.titleEn, event.titleZh, event.descriptionEn, event.descriptionZh,
        event.timezone, event.startsAt, event.endsAt, event.venueName, event.venueAddress, event.venueCity, event.venueCountry,
        event.capacity, event.registrationOpensAt, event.registrationClosesAt, event.registrationMode, event.holdMinutes,
        event.parentId, event.scheduleVersion, event.seatsConfirmed, event.seatsWaitlisted,
        (SELECT parent.slug FROM event parent WHERE parent.id = event.parentId)
        """

    static func decodeEvent(_ row: PostgresRow) throws -> Event {
        var c = PGCursor(row)
        let id: Int64 = try c.next(), slug: String = try c.next(), kind: String = try c.next(), status: String = try c.next()
        let titleEn: String = try c.next(), titleZh: String? = try c.next()
        let descriptionEn: String? = try c.next(), descriptionZh: String? = try c.next()
        let timezone: String = try c.next(), startsAt: Date = try c.next(), endsAt: Date = try c.next()
        let venueName: String = try c.next(), venueAddress: String? = try c.next()
        let venueCity: String = try c.next(), venueCountry: String = try c.next()
        let capacity: Int? = try c.next(), opensAt: Date? = try c.next(), closesAt: Date? = try c.next()
        let mode: String = try c.next(), holdMinutes: Int = try c.next()
        let parentID: Int64? = try c.next(), scheduleVersion: Int64 = try c.next()
        let confirmed: Int = try c.next(), waitlisted: Int = try c.next(), parentSlug: String? = try c.next()
        guard let kind = Event.Kind(rawValue: kind), let status = Event.Status(rawValue: status),
              let mode = RegistrationMode(rawValue: mode) else { throw PGCorruptRow(table: "event", id: id) }
        return Event(
            id: Event.ID(id), slug: slug, kind: kind, status: status,
            title: TranslatedText(en: titleEn, zh: titleZh),
            description: descriptionEn.map { TranslatedText(en: $0, zh: descriptionZh) },
            timezone: timezone, startsAt: startsAt, endsAt: endsAt,
            venue: Venue(name: venueName, address: venueAddress, city: venueCity, country: venueCountry),
            capacity: capacity,
            registration: RegistrationWindow(opensAt: opensAt, closesAt: closesAt, mode: mode, holdMinutes: holdMinutes),
            parentID: parentID.map { Event.ID($0) }, parentSlug: parentSlug, scheduleVersion: scheduleVersion,
            seats: SeatCount(capacity: capacity, confirmed: confirmed, waitlisted: waitlisted))
    }

    func event(slug: String) async throws -> Event {
        guard let row = try await query("SELECT \(unescaped: Self.eventColumns) FROM event WHERE slug = \(slug)").first else {
            throw StoreError.notFound(entity: "event", key: slug)
        }
        return try Self.decodeEvent(row)
    }

    func eventByID(_ id: Int64) async throws -> Event {
        guard let row = try await query("SELECT \(unescaped: Self.eventColumns) FROM event WHERE id = \(id)").first else {
            throw StoreError.notFound(entity: "event", key: String(id))
        }
        return try Self.decodeEvent(row)
    }

    /// The event's id, or `notFound` (reads that need no more of the event).
    func eventID(slug: String) async throws -> Event.ID {
        guard let id = try await value(Int64.self, "SELECT id FROM event WHERE slug = \(slug)") else {
            throw StoreError.notFound(entity: "event", key: slug)
        }
        return Event.ID(id)
    }

    static let roomColumns = "id, eventId, name, capacity, position"

    static func decodeRoom(_ row: PostgresRow) throws -> Room {
        let (id, eventID, name, capacity, position) = try row.decode((Int64, Int64, String, Int?, Int).self)
        return Room(id: Room.ID(id), eventID: Event.ID(eventID), name: name, capacity: capacity, position: position)
    }

    func rooms(eventID: Event.ID) async throws -> [Room] {
        try await query("SELECT \(unescaped: Self.roomColumns) FROM room WHERE eventId = \(eventID.rawValue) ORDER BY position, id")
            .map(Self.decodeRoom)
    }

    func room(_ id: Room.ID, in eventID: Event.ID) async throws -> Room? {
        try await query("SELECT \(unescaped: Self.roomColumns) FROM room WHERE id = \(id.rawValue) AND eventId = \(eventID.rawValue)")
            .first.map(Self.decodeRoom)
    }

    /// The names of the event's rooms, by id (other events' rooms are left out).
    func roomNames(_ ids: Set<Room.ID>, in eventID: Event.ID) async throws -> [Room.ID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await query("SELECT id, name FROM room WHERE id = ANY(\(ids.map(\.rawValue))) AND eventId = \(eventID.rawValue)")
        var names: [Room.ID: String] = [:]
        for row in rows {
            let (id, name) = try row.decode((Int64, String).self)
            names[Room.ID(id)] = name
        }
        return names
    }

    static let sessionColumns = """
        session.id, session.eventId, session.guid, session.titleEn, session.titleZh, session.abstractEn, session.abstractZh,
        session.kind, session.status, session.roomId, session.startsAt, session.endsAt, session.capacity, session.language,
        session.version, session.seatsConfirmed, session.seatsWaitlisted,
        ARRAY(SELECT ss.speakerId FROM sessionSpeaker ss WHERE ss.sessionId = session.id ORDER BY ss.position)
        """

    static func decodeSession(_ row: PostgresRow) throws -> Session {
        var c = PGCursor(row)
        let id: Int64 = try c.next(), eventID: Int64 = try c.next(), guid: String = try c.next()
        let titleEn: String = try c.next(), titleZh: String? = try c.next()
        let abstractEn: String? = try c.next(), abstractZh: String? = try c.next()
        let kind: String = try c.next(), status: String = try c.next(), roomID: Int64 = try c.next()
        let startsAt: Date = try c.next(), endsAt: Date = try c.next(), capacity: Int? = try c.next(), language: String? = try c.next()
        let version: Int64 = try c.next(), confirmed: Int = try c.next(), waitlisted: Int = try c.next()
        let speakerIDs: [Int64] = try c.next()
        guard let guid = UUID(uuidString: guid), let kind = Session.Kind(rawValue: kind), let status = Session.Status(rawValue: status)
        else { throw PGCorruptRow(table: "session", id: id) }
        return Session(
            id: Session.ID(id), eventID: Event.ID(eventID), guid: guid,
            title: TranslatedText(en: titleEn, zh: titleZh),
            abstract: abstractEn.map { TranslatedText(en: $0, zh: abstractZh) },
            kind: kind, status: status, roomID: Room.ID(roomID), startsAt: startsAt, endsAt: endsAt,
            speakerIDs: speakerIDs.map { Speaker.ID($0) }, capacity: capacity, language: language, version: version,
            seats: SeatCount(capacity: capacity, confirmed: confirmed, waitlisted: waitlisted))
    }

    func sessions(eventID: Event.ID) async throws -> [Session] {
        try await query("SELECT \(unescaped: Self.sessionColumns) FROM session WHERE eventId = \(eventID.rawValue) ORDER BY startsAt, id")
            .map(Self.decodeSession)
    }

    /// Only the given sessions of an event (a registration's few choices), by start then id.
    func sessions(ids: some Collection<Session.ID>, in eventID: Event.ID) async throws -> [Session] {
        guard !ids.isEmpty else { return [] }
        return try await query("""
            SELECT \(unescaped: Self.sessionColumns) FROM session
            WHERE id = ANY(\(ids.map(\.rawValue))) AND eventId = \(eventID.rawValue) ORDER BY startsAt, id
            """).map(Self.decodeSession)
    }

    func session(_ id: Session.ID, in eventID: Event.ID) async throws -> Session {
        guard let row = try await query("""
            SELECT \(unescaped: Self.sessionColumns) FROM session WHERE id = \(id.rawValue) AND eventId = \(eventID.rawValue)
            """).first else {
            throw StoreError.notFound(entity: "session", key: id.description)
        }
        return try Self.decodeSession(row)
    }

    static let speakerColumns = "id, name, nameZh, organisation, country, bioEn, bioZh, topics, fellowCohort, fellowPartnerOrganisation"

    static func decodeSpeaker(_ row: PostgresRow) throws -> Speaker {
        var c = PGCursor(row)
        let id: Int64 = try c.next(), name: String = try c.next(), nameZh: String? = try c.next()
        let organisation: String? = try c.next(), country: String? = try c.next()
        let bioEn: String? = try c.next(), bioZh: String? = try c.next(), topics: String = try c.next()
        let cohort: Int? = try c.next(), partner: String? = try c.next()
        guard let list = try? JSONDecoder().decode([String].self, from: Data(topics.utf8)) else {
            throw PGCorruptRow(table: "speaker", id: id)
        }
        return Speaker(
            id: Speaker.ID(id), name: name, nameZh: nameZh, organisation: organisation, country: country,
            bio: bioEn.map { TranslatedText(en: $0, zh: bioZh) }, topics: list,
            fellowship: cohort.map { Fellowship(cohort: $0, partnerOrganisation: partner) })
    }

    /// Topics as stored: JSON text, like SQLite's.
    static func topicsJSON(_ topics: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(topics), as: UTF8.self)
    }

    func speaker(id: Speaker.ID) async throws -> Speaker? {
        try await query("SELECT \(unescaped: Self.speakerColumns) FROM speaker WHERE id = \(id.rawValue)").first.map(Self.decodeSpeaker)
    }

    func speakers(ids: some Collection<Speaker.ID>) async throws -> [Speaker.ID: Speaker] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await query("SELECT \(unescaped: Self.speakerColumns) FROM speaker WHERE id = ANY(\(ids.map(\.rawValue)))")
        return Dictionary(try rows.map(Self.decodeSpeaker).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every speaker, in the speaker directory's order (the imports match by name).
    func speakersInDirectoryOrder() async throws -> [Speaker] {
        try await query("SELECT \(unescaped: Self.speakerColumns) FROM speaker ORDER BY fellowCohort DESC NULLS LAST, name, id").map(Self.decodeSpeaker)
    }

    /// Sessions with their speakers, in the sessions' order.
    func details(_ sessions: [Session]) async throws -> [SessionDetail] {
        let speakers = try await self.speakers(ids: Set(sessions.flatMap(\.speakerIDs)))
        return sessions.map { session in
            SessionDetail(session: session, speakers: session.speakerIDs.compactMap { speakers[$0] })
        }
    }

    func detail(_ session: Session) async throws -> SessionDetail {
        try await details([session])[0]
    }

    /// Replaces the speaker list of a session.
    func setSpeakers(_ speakerIDs: [Speaker.ID], of sessionID: Session.ID) async throws {
        try await execute("DELETE FROM sessionSpeaker WHERE sessionId = \(sessionID.rawValue)")
        for (position, speakerID) in speakerIDs.enumerated() {
            try await execute("""
                INSERT INTO sessionSpeaker (sessionId, speakerId, position) VALUES (\(sessionID.rawValue), \(speakerID.rawValue), \(position))
                """)
        }
    }

    /// Field errors for speaker ids that do not exist.
    func unknownSpeakers(_ ids: [Speaker.ID]) async throws -> [FieldError] {
        let known = try await speakers(ids: Set(ids))
        return ids.filter { known[$0] == nil }.map {
            FieldError(field: "speakerIds", message: "no speaker with id \($0)")
        }
    }

    static let announcementColumns = "id, eventId, textEn, textZh, severity, createdAt, expiresAt"

    static func decodeAnnouncement(_ row: PostgresRow) throws -> Announcement {
        let (id, eventID, textEn, textZh, severity, createdAt, expiresAt) = try row.decode((Int64, Int64, String, String?, String, Date, Date?).self)
        guard let severity = Announcement.Severity(rawValue: severity) else { throw PGCorruptRow(table: "announcement", id: id) }
        return Announcement(id: Announcement.ID(id), eventID: Event.ID(eventID), text: TranslatedText(en: textEn, zh: textZh),
                            severity: severity, createdAt: createdAt, expiresAt: expiresAt)
    }

    static let changeColumns = "eventId, seq, type, payload, actor, at"

    static func decodeChange(_ row: PostgresRow) throws -> Change {
        let (eventID, seq, type, payload, actor, at) = try row.decode((Int64?, Int64?, String, String, String, Date).self)
        let data = try ChangeData.decode(type: type, payload: Data(payload.utf8), using: ChangePayloadCoding.decoder)
        return Change(eventID: eventID.map { Event.ID($0) }, seq: seq, data: data, actor: actor, at: at)
    }
}
