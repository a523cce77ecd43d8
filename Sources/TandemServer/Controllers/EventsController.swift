import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Organiser writes on events: create, edit, publish, cancel, duplicate.
struct EventsController {
    let store: any ScheduleStore
    /// New guids for the sessions of a duplicated event.
    let randomness: Randomness

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events", use: create)
        group.patch("/events/{slug}", use: update)
        group.delete("/events/{slug}", use: cancel)
        group.post("/events/{slug}/duplicate", use: duplicate)
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: CreateEventRequest.self, context: context)
        try await requireVisibleParent(body.event.parentSlug, context: context)
        let event = try await store.createEvent(body.event, by: context.actor)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/events/\(event.slug)"], response: EventResponse(event))
    }

    @Sendable func update(_ request: Request, context: TandemRequestContext) async throws -> EventResponse {
        _ = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: UpdateEventRequest.self, context: context)
        if case .set(let parent) = body.patch.parentSlug { try await requireVisibleParent(parent, context: context) }
        return EventResponse(try await store.updateEvent(slug: try context.parameters.require("slug"), patch: body.patch, by: context.actor))
    }

    /// A side event may hang under a published event, or under a draft the caller may edit; a draft
    /// the caller cannot see reads exactly as an event that does not exist.
    private func requireVisibleParent(_ slug: String?, context: TandemRequestContext) async throws {
        guard let slug, context.identity?.may(.editSchedule, event: slug) != true else { return }
        let parent = try? await store.event(slug: slug)
        guard let parent, parent.status != .draft else {
            throw ValidationError(field: "parentSlug", message: "no event with slug \"\(slug)\"")
        }
    }

    /// Cancelling keeps the event on record with status `cancelled`.
    @Sendable func cancel(_ request: Request, context: TandemRequestContext) async throws -> EventResponse {
        _ = try context.require(.editSchedule)
        return EventResponse(try await store.cancelEvent(slug: try context.parameters.require("slug"), by: context.actor))
    }
}

/// Organiser writes on rooms.
struct RoomsController {
    let store: any ScheduleStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events/{slug}/rooms", use: create)
        group.patch("/events/{slug}/rooms/{id}", use: update)
        group.delete("/events/{slug}/rooms/{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<RoomResponse> {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: CreateRoomRequest.self, context: context)
        let room = try await store.createRoom(
            eventSlug: slug, Room(id: .init(0), eventID: .init(0), name: body.name, capacity: body.capacity, position: body.position ?? 0),
            by: context.actor)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/events/\(slug)/rooms"], response: RoomResponse(room))
    }

    @Sendable func update(_ request: Request, context: TandemRequestContext) async throws -> RoomResponse {
        _ = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: UpdateRoomRequest.self, context: context)
        return RoomResponse(try await store.updateRoom(
            eventSlug: try context.parameters.require("slug"), id: Room.ID(try context.parameters.require("id", as: Int64.self)),
            patch: body.patch, by: context.actor))
    }

    @Sendable func delete(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.require(.editSchedule)
        try await store.deleteRoom(eventSlug: try context.parameters.require("slug"),
                                   id: Room.ID(try context.parameters.require("id", as: Int64.self)), by: context.actor)
        return Response(status: .noContent)
    }
}

extension EventResponse: ResponseEncodable {}
extension RoomResponse: ResponseEncodable {}
extension SessionResponse: ResponseEncodable {}
extension SpeakerResponse: ResponseEncodable {}
extension AnnouncementResponse: ResponseEncodable {}
extension DelayResponse: ResponseEncodable {}

// The request bodies of EventsController's routes.
extension EventsController {
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
}

// The request bodies of RoomsController's routes.
extension RoomsController {
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
}
