import Foundation
import HTTPTypes
import Hummingbird
import TandemCore
import TandemStore

/// Organiser writes on sessions. PATCH and DELETE honour `If-Match` with the session's ETag:
/// a stale tag gets 412 and the current ETag, so an editor never overwrites someone else's change unseen.
struct SessionsController {
    let store: any ScheduleStore
    let randomness: Randomness

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events/{slug}/sessions", use: create)
        group.patch("/events/{slug}/sessions/{id}", use: update)
        group.delete("/events/{slug}/sessions/{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<SessionResponse> {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: CreateSessionRequest.self, context: context)
        let detail = try await store.createSession(eventSlug: slug, body.session(guid: randomness.uuid()), by: context.actor)
        let event = try await store.event(slug: slug)
        return EditedResponse(
            status: .created,
            headers: [.location: "/api/v1/events/\(slug)/sessions/\(detail.session.id)", .eTag: SessionResponse.etag(version: detail.session.version)],
            response: SessionResponse(detail, zone: event.zone))
    }

    @Sendable func update(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<SessionResponse> {
        _ = try context.require(.editSchedule)
        let (slug, id) = try ids(context)
        let body = try await request.decodeJSON(as: UpdateSessionRequest.self, context: context)
        let detail = try await withCurrentETag(slug: slug, id: id) {
            try await store.updateSession(eventSlug: slug, id: id, patch: body.patch, ifVersion: try expectedVersion(request), by: context.actor)
        }
        return try await respond(detail, slug: slug)
    }

    /// Cancels the session (it stays in the schedule, marked cancelled); `?purge=true` deletes it outright.
    @Sendable func delete(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.require(.editSchedule)
        let (slug, id) = try ids(context)
        let expected = try expectedVersion(request)
        if request.uri.queryParameters.get("purge") == "true" {
            try await withCurrentETag(slug: slug, id: id) {
                try await store.deleteSession(eventSlug: slug, id: id, ifVersion: expected, by: context.actor)
            }
            return Response(status: .noContent)
        }
        let detail = try await withCurrentETag(slug: slug, id: id) {
            try await store.cancelSession(eventSlug: slug, id: id, ifVersion: expected, by: context.actor)
        }
        return try await respond(detail, slug: slug).response(from: request, context: context)
    }

    private func ids(_ context: TandemRequestContext) throws -> (String, Session.ID) {
        (try context.parameters.require("slug"), Session.ID(try context.parameters.require("id", as: Int64.self)))
    }

    private func respond(_ detail: SessionDetail, slug: String) async throws -> EditedResponse<SessionResponse> {
        let event = try await store.event(slug: slug)
        return EditedResponse(headers: [.eTag: SessionResponse.etag(version: detail.session.version)],
                              response: SessionResponse(detail, zone: event.zone))
    }

    /// The version named by `If-Match` (`nil`: no header or `*`). A tag that is not a current
    /// session version (e.g. weak, or from another resource) can never match, so it yields 412.
    private func expectedVersion(_ request: Request) throws -> Int64? {
        guard let header = request.headers[.ifMatch]?.trimmingWhitespace, header != "*" else { return nil }
        let first = header.split(separator: ",").first.map { String($0).trimmingWhitespace } ?? ""
        guard first.hasPrefix("\""), first.hasSuffix("\""), first.count >= 2, let version = Int64(first.dropFirst().dropLast()) else {
            return -1
        }
        return version
    }

    /// Adds the session's current ETag to a 412, so the client can reload and retry.
    private func withCurrentETag<T>(slug: String, id: Session.ID, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch StoreError.stale(let entity, let version) {
            var problem = ProblemMapping.problem(for: StoreError.stale(entity: entity, currentVersion: version))
            problem.headers[.eTag] = SessionResponse.etag(version: version)
            throw problem
        }
    }
}

// The request bodies of SessionsController's routes.
extension SessionsController {
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
}
