import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// The organiser's registration tools: list and search (also for the check-in desk), CSV,
/// manual promote and cancel, data export and erasure (check-in: `CheckInController`).
struct RegistrationAdminController {
    let store: any RegistrationStore & ScheduleStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/events/{slug}/registrations", use: list)
        group.get("/events/{slug}/registrations.csv", use: csv)
        group.get("/events/{slug}/registrations/{id}", use: show)
        group.post("/events/{slug}/registrations/{id}/promote", use: promote)
        group.post("/events/{slug}/registrations/{id}/cancel", use: cancel)
        group.get("/events/{slug}/registrations/{id}/export", use: export)
        group.post("/events/{slug}/registrations/{id}/erase", use: erase)
    }

    /// `?q=` searches name, e-mail and organisation; `?status=`; `?cursor=` from the previous page's `next`.
    @Sendable func list(_ request: Request, context: TandemRequestContext) async throws -> Page<RegistrationResponse> {
        _ = try context.require(.viewRegistrations)
        let slug = try context.parameters.require("slug")
        let parameters = request.uri.queryParameters
        var query = RegistrationQuery(search: parameters.get("q"), limit: 50)
        if let status = parameters.get("status") {
            // `pending` is shown as a status (an unconfirmed hold); stored, it is a place plus a hold.
            if status == "pending" {
                query.pending = true
            } else {
                guard let value = Registration.Status(rawValue: status) else {
                    throw Problem.invalid(field: "status", "must be one of: \(Registration.Status.allowedValues), pending")
                }
                query.status = value
                if value != .cancelled { query.pending = false }
            }
        }
        if let limit = parameters.get("limit") {
            guard let value = Int(limit), (1...200).contains(value) else { throw Problem.invalid(field: "limit", "must be between 1 and 200") }
            query.limit = value
        }
        if let cursor = parameters.get("cursor") {
            guard let after = Int64(cursor) else { throw Problem.invalid(field: "cursor", "is not a cursor from this list") }
            query.after = Registration.ID(after)
        }
        let event = try await store.event(slug: slug)
        let page = try await store.registrations(eventSlug: slug, query: query)
        let next = page.count == query.limit ? page.last.map { String($0.id.rawValue) } : nil
        return Page(items: page.map { RegistrationResponse($0, zone: event.zone) }, next: next)
    }

    @Sendable func csv(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.require(.manageRegistrations)
        let slug = try context.parameters.require("slug")
        let event = try await store.event(slug: slug)
        var table = CSVTable(header: ["id", "status", "waitlist position", "name", "email", "organisation", "country", "language",
                                      "sessions", "registered at", "checked in at", "cancelled at"])
        var after: Registration.ID?
        while true {
            let page = try await store.registrations(eventSlug: slug, query: RegistrationQuery(after: after, limit: 1000))
            for r in page {
                let sessions = r.choices.map { "\($0.sessionID):\($0.status.rawValue)" }.joined(separator: " ")
                table.rows.append([String(r.id.rawValue), r.shownStatus, r.waitlistPosition.map(String.init) ?? "", r.name, r.email,
                                   r.organisation ?? "", r.country ?? "", r.language.rawValue, sessions, r.createdAt.wire(in: event.zone),
                                   r.checkedInAt?.wire(in: event.zone) ?? "", r.cancelledAt?.wire(in: event.zone) ?? ""])
            }
            guard page.count == 1000, let last = page.last else { break }
            after = last.id
        }
        let data = table.render()
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(slug)-registrations.csv\"",
            .cacheControl: "no-store", .contentLength: String(data.count),
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func show(_ request: Request, context: TandemRequestContext) async throws -> RegistrationResponse {
        _ = try context.require(.viewRegistrations)
        let (slug, id) = try ids(context)
        return RegistrationResponse(try await store.registration(eventSlug: slug, id: id), zone: try await store.event(slug: slug).zone)
    }

    @Sendable func promote(_ request: Request, context: TandemRequestContext) async throws -> RegistrationResponse {
        _ = try context.require(.manageRegistrations)
        let (slug, id) = try ids(context)
        return RegistrationResponse(try await store.promote(eventSlug: slug, id: id, by: context.actor), zone: try await store.event(slug: slug).zone)
    }

    @Sendable func cancel(_ request: Request, context: TandemRequestContext) async throws -> RegistrationResponse {
        _ = try context.require(.manageRegistrations)
        let (slug, id) = try ids(context)
        return RegistrationResponse(try await store.cancelRegistration(eventSlug: slug, id: id, by: context.actor), zone: try await store.event(slug: slug).zone)
    }

    @Sendable func export(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<RegistrationExportResponse> {
        _ = try context.require(.manageRegistrations)
        let (slug, id) = try ids(context)
        let export = try await store.exportRegistration(eventSlug: slug, id: id, by: context.actor)
        return EditedResponse(headers: [.contentDisposition: "attachment; filename=\"registration-\(id).json\"", .cacheControl: "no-store"],
                              response: RegistrationExportResponse(export, zone: try await store.event(slug: slug).zone))
    }

    @Sendable func erase(_ request: Request, context: TandemRequestContext) async throws -> RegistrationResponse {
        _ = try context.require(.manageRegistrations)
        let (slug, id) = try ids(context)
        return RegistrationResponse(try await store.eraseRegistration(eventSlug: slug, id: id, by: context.actor), zone: try await store.event(slug: slug).zone)
    }

    private func ids(_ context: TandemRequestContext) throws -> (String, Registration.ID) {
        (try context.parameters.require("slug"), Registration.ID(try context.parameters.require("id", as: Int64.self)))
    }
}

