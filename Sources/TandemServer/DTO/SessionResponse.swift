import Foundation
import TandemCore
import TandemStore

/// One session as shown to everyone.
struct SessionResponse: Encodable, Sendable {
    var id: Int64
    var guid: String
    var title: TranslatedText
    var abstract: TranslatedText?
    var kind: Session.Kind
    var status: Session.Status
    var roomId: Int64
    var startsAt: String
    var endsAt: String
    var durationMinutes: Int
    var language: String?
    var capacity: Int?
    /// Only for sessions with their own capacity (workshop sign-up).
    var seats: SeatsResponse?
    var speakerIds: [Int64]
    var speakers: [SpeakerResponse]
    /// The session's version; its ETag is `"<version>"`.
    var version: Int64
    /// Only in live messages: the room the session was just moved out of.
    var previousRoomId: Int64?

    init(_ detail: SessionDetail, zone: TimeZone) {
        let session = detail.session
        id = session.id.rawValue
        guid = session.guid.uuidString.lowercased()
        title = session.title
        abstract = session.abstract
        kind = session.kind
        status = session.status
        roomId = session.roomID.rawValue
        startsAt = session.startsAt.wire(in: zone)
        endsAt = session.endsAt.wire(in: zone)
        durationMinutes = Int(session.span.duration / 60)
        language = session.language
        capacity = session.capacity
        seats = session.capacity == nil ? nil : SeatsResponse(session.seats)
        speakerIds = session.speakerIDs.map(\.rawValue)
        speakers = detail.speakers.map(SpeakerResponse.init)
        version = session.version
    }

    /// The strong ETag of a session at `version`.
    static func etag(version: Int64) -> String { "\"\(version)\"" }
}

struct RoomResponse: Encodable, Sendable {
    var id: Int64
    var name: String
    var capacity: Int?
    var position: Int

    init(_ room: Room) {
        id = room.id.rawValue
        name = room.name
        capacity = room.capacity
        position = room.position
    }
}

struct SpeakerResponse: Encodable, Sendable {
    var id: Int64
    var name: String
    var nameZh: String?
    var organisation: String?
    var country: String?
    var bio: TranslatedText?
    var topics: [String]
    /// Whether this speaker is a twinning fellow.
    var fellow: Bool
    var fellowship: Fellowship?

    init(_ speaker: Speaker) {
        id = speaker.id.rawValue
        name = speaker.name
        nameZh = speaker.nameZh
        organisation = speaker.organisation
        country = speaker.country
        bio = speaker.bio
        topics = speaker.topics
        fellow = speaker.fellowship != nil
        fellowship = speaker.fellowship
    }
}

/// A speaker in the programme's directory, with the sessions they speak in.
struct SpeakerDirectoryEntry: Encodable, Sendable {
    var speaker: SpeakerResponse
    var sessions: [Appearance]

    struct Appearance: Encodable, Sendable {
        var eventSlug: String
        var eventTitle: TranslatedText
        var timezone: String
        var sessionId: Int64
        var title: TranslatedText
        var startsAt: String
    }

    init(_ entry: SpeakerAppearances) {
        speaker = SpeakerResponse(entry.speaker)
        sessions = entry.sessions.map {
            Appearance(eventSlug: $0.eventSlug, eventTitle: $0.eventTitle, timezone: $0.timezone, sessionId: $0.sessionID.rawValue,
                       title: $0.title, startsAt: RFC3339.string(from: $0.startsAt, in: ZoneCache.zone($0.timezone) ?? ZoneCache.utc))
        }
    }

    func encode(to encoder: any Encoder) throws {
        try speaker.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(sessions, forKey: .sessions)
    }

    enum Keys: String, CodingKey { case sessions }
}

struct AnnouncementResponse: Encodable, Sendable {
    var id: Int64
    var text: TranslatedText
    var severity: Announcement.Severity
    var createdAt: String
    var expiresAt: String?

    init(_ announcement: Announcement, zone: TimeZone) {
        id = announcement.id.rawValue
        text = announcement.text
        severity = announcement.severity
        createdAt = announcement.createdAt.wire(in: zone)
        expiresAt = announcement.expiresAt?.wire(in: zone)
    }
}

struct DelayResponse: Encodable, Sendable {
    var roomId: Int64?
    var from: String
    var minutes: Int
    var scheduleVersion: Int64?
    var sessions: [SessionResponse]

    init(_ applied: DelayApplied, zone: TimeZone) {
        roomId = applied.delay.roomID?.rawValue
        from = applied.delay.from.wire(in: zone)
        minutes = applied.delay.minutes
        sessions = applied.sessions.map { SessionResponse($0, zone: zone) }
        scheduleVersion = applied.sessions.first?.session.version
    }
}
