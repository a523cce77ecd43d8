import Foundation
import TandemCore

/// `POST /api/v1/events`.
struct CreateEventRequest: Decodable {
    var slug: String
    var kind: Event.Kind
    var status: Event.Status?
    var title: TranslatedText
    var description: TranslatedText?
    var timezone: String
    var startsAt: Date
    var endsAt: Date
    var venue: Venue
    var capacity: Int?
    var registrationOpensAt: Date?
    var registrationClosesAt: Date?
    /// Default `verified` (double opt-in).
    var registrationMode: RegistrationMode?
    var holdMinutes: Int?
    var parentSlug: String?

    var event: Event {
        var venue = venue
        venue.country = venue.country.asciiUppercased
        return Event(
            id: .init(0), slug: slug.trimmingWhitespace, kind: kind, status: status ?? .draft, title: title.normalised,
            description: description?.normalised, timezone: timezone, startsAt: startsAt, endsAt: endsAt,
            venue: venue, capacity: capacity,
            registration: RegistrationWindow(opensAt: registrationOpensAt, closesAt: registrationClosesAt, mode: registrationMode ?? .verified,
                                             holdMinutes: holdMinutes ?? RegistrationWindow.defaultHoldMinutes),
            parentSlug: parentSlug)
    }
}

/// `PATCH /api/v1/events/{slug}`: absent fields stay, `null` clears optional ones.
struct UpdateEventRequest: Decodable {
    var patch = EventPatch()

    enum CodingKeys: String, CodingKey {
        case kind, status, title, description, timezone, startsAt, endsAt, venue, capacity
        case registrationOpensAt, registrationClosesAt, registrationMode, holdMinutes, parentSlug
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.kind = try c.decodeUpdate(Event.Kind.self, forKey: .kind)
        patch.status = try c.decodeUpdate(Event.Status.self, forKey: .status)
        patch.title = try c.decodeUpdate(TranslatedText.self, forKey: .title)
        patch.description = try c.decodeNullableUpdate(TranslatedText.self, forKey: .description)
        patch.timezone = try c.decodeUpdate(String.self, forKey: .timezone)
        patch.startsAt = try c.decodeUpdate(Date.self, forKey: .startsAt)
        patch.endsAt = try c.decodeUpdate(Date.self, forKey: .endsAt)
        patch.venue = try c.decodeUpdate(Venue.self, forKey: .venue)
        patch.capacity = try c.decodeNullableUpdate(Int.self, forKey: .capacity)
        patch.registrationOpensAt = try c.decodeNullableUpdate(Date.self, forKey: .registrationOpensAt)
        patch.registrationClosesAt = try c.decodeNullableUpdate(Date.self, forKey: .registrationClosesAt)
        patch.parentSlug = try c.decodeNullableUpdate(String.self, forKey: .parentSlug)
        patch.registrationMode = try c.decodeUpdate(RegistrationMode.self, forKey: .registrationMode)
        patch.holdMinutes = try c.decodeUpdate(Int.self, forKey: .holdMinutes)
        if case .set(let title) = patch.title { patch.title = .set(title.normalised) }
        if case .set(let description?) = patch.description { patch.description = .set(description.normalised) }
        if case .set(var venue) = patch.venue {
            venue.country = venue.country.asciiUppercased
            patch.venue = .set(venue)
        }
    }
}

/// `POST /api/v1/events/{slug}/rooms`.
struct CreateRoomRequest: Decodable {
    var name: String
    var capacity: Int?
    var position: Int?
}

/// `PATCH /api/v1/events/{slug}/rooms/{id}`.
struct UpdateRoomRequest: Decodable {
    var patch = RoomPatch()

    enum CodingKeys: String, CodingKey { case name, capacity, position }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.name = try c.decodeUpdate(String.self, forKey: .name)
        patch.capacity = try c.decodeNullableUpdate(Int.self, forKey: .capacity)
        patch.position = try c.decodeUpdate(Int.self, forKey: .position)
    }
}

/// `POST /api/v1/events/{slug}/sessions`.
struct CreateSessionRequest: Decodable {
    var title: TranslatedText
    var abstract: TranslatedText?
    var kind: Session.Kind
    var roomId: Room.ID
    var startsAt: Date
    var endsAt: Date
    var speakerIds: [Speaker.ID]?
    var capacity: Int?
    var language: String?

    func session(guid: UUID) -> Session {
        Session(
            id: .init(0), eventID: .init(0), guid: guid, title: title.normalised, abstract: abstract?.normalised,
            kind: kind, roomID: roomId, startsAt: startsAt, endsAt: endsAt, speakerIDs: speakerIds ?? [],
            capacity: capacity, language: language)
    }
}

/// `PATCH /api/v1/events/{slug}/sessions/{id}`: move, retime, rename, re-room, cancel or reinstate.
struct UpdateSessionRequest: Decodable {
    var patch = SessionPatch()

    enum CodingKeys: String, CodingKey {
        case title, abstract, kind, status, roomId, startsAt, endsAt, speakerIds, capacity, language
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.title = try c.decodeUpdate(TranslatedText.self, forKey: .title)
        patch.abstract = try c.decodeNullableUpdate(TranslatedText.self, forKey: .abstract)
        patch.kind = try c.decodeUpdate(Session.Kind.self, forKey: .kind)
        patch.status = try c.decodeUpdate(Session.Status.self, forKey: .status)
        patch.roomID = try c.decodeUpdate(Room.ID.self, forKey: .roomId)
        patch.startsAt = try c.decodeUpdate(Date.self, forKey: .startsAt)
        patch.endsAt = try c.decodeUpdate(Date.self, forKey: .endsAt)
        patch.speakerIDs = try c.decodeUpdate([Speaker.ID].self, forKey: .speakerIds)
        patch.capacity = try c.decodeNullableUpdate(Int.self, forKey: .capacity)
        patch.language = try c.decodeNullableUpdate(String.self, forKey: .language)
        if case .set(let title) = patch.title { patch.title = .set(title.normalised) }
        if case .set(let abstract?) = patch.abstract { patch.abstract = .set(abstract.normalised) }
    }
}

/// `POST /api/v1/events/{slug}/delays`.
struct DelayRequest: Decodable {
    var roomId: Room.ID?
    var from: Date
    var minutes: Int
}

/// `POST /api/v1/events/{slug}/announcements`.
struct CreateAnnouncementRequest: Decodable {
    var text: TranslatedText
    var severity: Announcement.Severity?
    var expiresAt: Date?
}

/// `POST /api/v1/speakers`.
struct CreateSpeakerRequest: Decodable {
    var name: String
    var nameZh: String?
    var organisation: String?
    var country: String?
    var bio: TranslatedText?
    var topics: [String]?
    var fellowship: Fellowship?

    var speaker: Speaker {
        Speaker(id: .init(0), name: name.trimmingWhitespace, nameZh: nameZh?.trimmingWhitespace,
                organisation: organisation?.trimmingWhitespace, country: country?.asciiUppercased,
                bio: bio?.normalised, topics: topics ?? [], fellowship: fellowship)
    }
}

/// `PATCH /api/v1/speakers/{id}`.
struct UpdateSpeakerRequest: Decodable {
    var patch = SpeakerPatch()

    enum CodingKeys: String, CodingKey { case name, nameZh, organisation, country, bio, topics, fellowship }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.name = try c.decodeUpdate(String.self, forKey: .name)
        patch.nameZh = try c.decodeNullableUpdate(String.self, forKey: .nameZh)
        patch.organisation = try c.decodeNullableUpdate(String.self, forKey: .organisation)
        patch.country = try c.decodeNullableUpdate(String.self, forKey: .country)
        patch.bio = try c.decodeNullableUpdate(TranslatedText.self, forKey: .bio)
        patch.topics = try c.decodeUpdate([String].self, forKey: .topics)
        patch.fellowship = try c.decodeNullableUpdate(Fellowship.self, forKey: .fellowship)
        if case .set(let country?) = patch.country { patch.country = .set(country.asciiUppercased) }
        if case .set(let name) = patch.name { patch.name = .set(name.trimmingWhitespace) }
        if case .set(let nameZh?) = patch.nameZh { patch.nameZh = .set(nameZh.trimmingWhitespace) }
        if case .set(let organisation?) = patch.organisation { patch.organisation = .set(organisation.trimmingWhitespace) }
        if case .set(let bio?) = patch.bio { patch.bio = .set(bio.normalised) }
    }
}

/// `POST /api/v1/auth/login`.
struct LoginRequest: Decodable {
    var email: String
    var password: String
}

/// `POST /api/v1/accounts`.
struct CreateAccountRequest: Decodable {
    var email: String
    var name: String
    var password: String
    var role: Account.Role
}

/// `PATCH /api/v1/accounts/{id}`: any of name, role, disabled, and a new password (a reset).
struct UpdateAccountRequest: Decodable {
    var name: String?
    var role: Account.Role?
    var disabled: Bool?
    var password: String?
}

/// `PUT /api/v1/accounts/{id}/events/{slug}`.
struct EventRoleRequest: Decodable {
    var role: Account.EventRole
}

/// `POST /api/v1/auth/tokens`.
struct CreateAPITokenRequest: Decodable {
    var name: String
    /// Days until the token expires (1…366, default 90).
    var expiresInDays: Int?
}
