import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// The organiser's live operations besides session edits: delays and announcements.
struct LiveOpsController {
    let store: any ScheduleStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events/{slug}/delays", use: delay)
        group.post("/events/{slug}/announcements", use: announce)
        group.delete("/events/{slug}/announcements/{id}", use: expire)
    }

    /// "Room B runs 15 minutes late from 14:00": shifts the later sessions of one room, or of all.
    @Sendable func delay(_ request: Request, context: TandemRequestContext) async throws -> DelayResponse {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: DelayRequest.self, context: context)
        let applied = try await store.delaySessions(
            eventSlug: slug, Delay(roomID: body.roomId, from: body.from, minutes: body.minutes), by: context.actor)
        let event = try await store.event(slug: slug)
        var response = DelayResponse(applied, zone: event.zone)
        response.scheduleVersion = event.scheduleVersion
        return response
    }

    @Sendable func announce(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<AnnouncementResponse> {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: CreateAnnouncementRequest.self, context: context)
        let announcement = try await store.createAnnouncement(
            eventSlug: slug,
            Announcement(id: .init(0), eventID: .init(0), text: body.text.normalised, severity: body.severity ?? .info,
                         createdAt: Date(timeIntervalSince1970: 0), expiresAt: body.expiresAt),
            by: context.actor)
        let event = try await store.event(slug: slug)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/events/\(slug)/announcements"],
                              response: AnnouncementResponse(announcement, zone: event.zone))
    }

    /// Takes an announcement off the screens now.
    @Sendable func expire(_ request: Request, context: TandemRequestContext) async throws -> AnnouncementResponse {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let announcement = try await store.expireAnnouncement(
            eventSlug: slug, id: Announcement.ID(try context.parameters.require("id", as: Int64.self)), by: context.actor)
        return AnnouncementResponse(announcement, zone: try await store.event(slug: slug).zone)
    }
}

// The request bodies of LiveOpsController's routes.
extension LiveOpsController {
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
}
