import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of `session`; its speakers live in `sessionSpeaker`.
struct SessionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "session"

    var id: Int64?
    var eventId: Int64
    var guid: String
    var titleEn: String
    var titleZh: String?
    var abstractEn: String?
    var abstractZh: String?
    var kind: String
    var status: String
    var roomId: Int64
    var startsAt: Date
    var endsAt: Date
    var capacity: Int?
    var language: String?
    var version: Int64
    var seatsConfirmed: Int
    var seatsWaitlisted: Int

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `sessionSpeaker`: who speaks in which session, in order.
struct SessionSpeakerRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sessionSpeaker"

    var sessionId: Int64
    var speakerId: Int64
    var position: Int
}

extension SessionRecord {
    init(_ session: Session) {
        self.init(
            id: session.id.rawValue == 0 ? nil : session.id.rawValue, eventId: session.eventID.rawValue,
            guid: session.guid.uuidString.lowercased(), titleEn: session.title.en, titleZh: session.title.zh,
            abstractEn: session.abstract?.en, abstractZh: session.abstract?.zh, kind: session.kind.rawValue,
            status: session.status.rawValue, roomId: session.roomID.rawValue, startsAt: session.startsAt,
            endsAt: session.endsAt, capacity: session.capacity, language: session.language,
            version: session.version, seatsConfirmed: session.seats.confirmed, seatsWaitlisted: session.seats.waitlisted)
    }

    func domain(speakerIDs: [Speaker.ID]) throws -> Session {
        guard let id, let guid = UUID(uuidString: guid), let kind = Session.Kind(rawValue: kind),
              let status = Session.Status(rawValue: status)
        else { throw CorruptRow(table: Self.databaseTableName, id: id) }
        return Session(
            id: Session.ID(id), eventID: Event.ID(eventId), guid: guid,
            title: TranslatedText(en: titleEn, zh: titleZh),
            abstract: abstractEn.map { TranslatedText(en: $0, zh: abstractZh) },
            kind: kind, status: status, roomID: Room.ID(roomId), startsAt: startsAt, endsAt: endsAt,
            speakerIDs: speakerIDs, capacity: capacity, language: language, version: version,
            seats: SeatCount(capacity: capacity, confirmed: seatsConfirmed, waitlisted: seatsWaitlisted))
    }
}
