import Foundation
import TandemCore
import TandemStore

/// An event as listed: `GET /api/v1/events` items and the head of `GET /api/v1/events/{slug}`.
struct EventResponse: Encodable, Sendable {
    var id: Int64
    var slug: String
    var kind: Event.Kind
    var status: Event.Status
    var title: TranslatedText
    var description: TranslatedText?
    var timezone: String
    var startsAt: String
    var endsAt: String
    var venue: Venue
    var capacity: Int?
    var registrationOpensAt: String?
    var registrationClosesAt: String?
    var registrationMode: RegistrationMode
    var holdMinutes: Int
    var parentSlug: String?
    var scheduleVersion: Int64
    var seats: SeatsResponse

    init(_ event: Event) {
        let zone = event.zone
        id = event.id.rawValue
        slug = event.slug
        kind = event.kind
        status = event.status
        title = event.title
        description = event.description
        timezone = event.timezone
        startsAt = event.startsAt.wire(in: zone)
        endsAt = event.endsAt.wire(in: zone)
        venue = event.venue
        capacity = event.capacity
        registrationOpensAt = event.registration.opensAt?.wire(in: zone)
        registrationClosesAt = event.registration.closesAt?.wire(in: zone)
        registrationMode = event.registration.mode
        holdMinutes = event.registration.holdMinutes
        parentSlug = event.parentSlug
        scheduleVersion = event.scheduleVersion
        seats = SeatsResponse(event.seats)
    }
}

/// `GET /api/v1/events/{slug}`: the event with its rooms, sessions and active announcements.
struct EventDetailResponse: Encodable, Sendable {
    var event: EventResponse
    var rooms: [RoomResponse]
    var sessions: [SessionResponse]
    var announcements: [AnnouncementResponse]

    init(_ schedule: EventSchedule) {
        let zone = schedule.event.zone
        event = EventResponse(schedule.event)
        rooms = schedule.rooms.map(RoomResponse.init)
        sessions = schedule.sessions.map { SessionResponse($0, zone: zone) }
        announcements = schedule.announcements.map { AnnouncementResponse($0, zone: zone) }
    }

    enum CodingKeys: CodingKey { case rooms, sessions, announcements }

    func encode(to encoder: any Encoder) throws {
        try event.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rooms, forKey: .rooms)
        try container.encode(sessions, forKey: .sessions)
        try container.encode(announcements, forKey: .announcements)
    }
}

/// `GET /api/v1/events/{slug}/schedule`.
struct ScheduleResponse: Encodable, Sendable {
    var scheduleVersion: Int64
    var timezone: String
    var rooms: [RoomResponse]
    var sessions: [SessionResponse]

    init(_ schedule: EventSchedule) {
        let zone = schedule.event.zone
        scheduleVersion = schedule.event.scheduleVersion
        timezone = schedule.event.timezone
        rooms = schedule.rooms.map(RoomResponse.init)
        sessions = schedule.sessions.map { SessionResponse($0, zone: zone) }
    }
}
