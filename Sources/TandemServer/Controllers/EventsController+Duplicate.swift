import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Next year's round: `POST /api/v1/events/{slug}/duplicate`.
extension EventsController {
    /// Needs permission to edit the source event. A per-event organiser of the source (who may not
    /// create events) becomes the organiser of the copy, so that the draft it made is theirs to edit.
    @Sendable func duplicate(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<EventResponse> {
        let account = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: DuplicateEventRequest.self, context: context)
        let event = try await store.duplicateEvent(
            slug: try context.parameters.require("slug"), EventDuplication(slug: body.slug, startsAt: body.startsAt, title: body.title),
            makeGUID: randomness.uuid, grantOrganiserTo: account.may(.editSchedule) ? nil : account.id, by: context.actor)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/events/\(event.slug)"], response: EventResponse(event))
    }

    /// `POST /api/v1/events/{slug}/duplicate`: the new round's slug and start, and a title if it differs.
    struct DuplicateEventRequest: Decodable {
        var slug: String
        var startsAt: Date
        var title: TranslatedText?
    }
}
