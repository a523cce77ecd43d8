import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Organiser writes on events: create, edit, publish, cancel.
struct EventsController {
    let store: any ScheduleStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events", use: create)
        group.patch("/events/{slug}", use: update)
        group.delete("/events/{slug}", use: cancel)
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
