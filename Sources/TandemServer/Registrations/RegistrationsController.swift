import Foundation
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// The attendee's routes: register, and see, change or cancel by the private token.
struct RegistrationsController {
    let store: any RegistrationStore & ScheduleStore
    let tokens: any SelfServiceTokens
    let limits: Limits
    let activity: RegistrationActivity

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events/{slug}/registrations", use: register)
        group.get("/registrations/{token}", use: show)
        group.patch("/registrations/{token}", use: changeSessions)
        group.delete("/registrations/{token}", use: cancel)
        group.post("/registrations/{token}/confirm", use: confirm)
        group.get("/registrations/{token}/check-in.svg", use: checkInQRCode)
    }

    /// `instant` event: 201 with the registration and its token. `verified` event: 202 "check your
    /// e-mail", byte for byte the same whether the address is new or already registered.
    @Sendable func register(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: RegisterRequest.self, context: context)
        try await limits.admitRegistration(address: context.clientIP, eventSlug: slug, store: store)
        let receipt = try await store.registerCounted(eventSlug: slug, body.request, activity: activity)
        if receipt.checkEmail {
            return try EditedResponse(status: .accepted, headers: [.cacheControl: "no-store"], response: CheckEmailResponse())
                .response(from: request, context: context)
        }
        let zone = ZoneCache.zone(receipt.timezone) ?? ZoneCache.utc
        return try EditedResponse(
            status: .created, headers: [.location: "/api/v1/registrations/\(receipt.token)", .cacheControl: "no-store"],
            response: RegisteredResponse(registration: RegistrationResponse(receipt.registration, zone: zone, eventSlug: slug),
                                         token: receipt.token, selfServiceUrl: tokens.url(token: receipt.token)))
            .response(from: request, context: context)
    }

    /// The e-mailed link's confirmation of a pending hold; 410 `hold-expired` once it has expired.
    @Sendable func confirm(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<OwnRegistrationResponse> {
        let token = try token(context)
        _ = try await store.confirmRegistration(token: token)
        return try await ownResponse(token: token)
    }

    @Sendable func show(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<OwnRegistrationResponse> {
        let token = try token(context)
        return try await ownResponse(token: token)
    }

    @Sendable func changeSessions(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<OwnRegistrationResponse> {
        let token = try token(context)
        let body = try await request.decodeJSON(as: ChangeSessionsRequest.self, context: context)
        _ = try await store.changeSessions(token: token, to: body.sessionIds)
        return try await ownResponse(token: token)
    }

    /// Cancels; the registration stays on record as cancelled and the next in line is promoted.
    @Sendable func cancel(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<OwnRegistrationResponse> {
        let token = try token(context)
        _ = try await store.cancelRegistration(token: token)
        return try await ownResponse(token: token)
    }

    /// The check-in code as a QR code for the door volunteers' phones; 404 `no-check-in-code` whenever
    /// the registration's JSON shows no `checkInCode` (a pending hold, a cancelled registration).
    @Sendable func checkInQRCode(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let token = try token(context)
        let (registration, _) = try await store.registration(token: token)
        guard let code = checkInCode(registration, token: token) else {
            throw Problem(.notFound, code: "no-check-in-code", title: "No check-in code yet",
                          detail: registration.status == .cancelled ? "This registration is cancelled, so it has no check-in code."
                              : "This registration has no check-in code until it is confirmed from the e-mail.")
        }
        let svg = try QRCode.encode(code.description).svg(moduleSize: 8, title: "Check-in code \(code) / 签到码 \(code)")
        return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    /// The attendee's registration as it stands now, with its event.
    private func ownResponse(token: String) async throws -> EditedResponse<OwnRegistrationResponse> {
        let (registration, event) = try await store.registration(token: token)
        return EditedResponse(headers: [.cacheControl: "no-store"], response: own(registration, event, token: token))
    }

    private func own(_ registration: Registration, _ event: Event, token: String) -> OwnRegistrationResponse {
        OwnRegistrationResponse(registration: RegistrationResponse(registration, zone: event.zone, eventSlug: event.slug), event: EventResponse(event),
                                checkInCode: checkInCode(registration, token: token)?.description)
    }

    /// The code the attendee shows at the door, in the JSON and as a QR code alike: none for a
    /// cancelled registration or a hold not yet confirmed.
    private func checkInCode(_ registration: Registration, token: String) -> CheckInCode? {
        guard registration.status != .cancelled, !registration.isPending else { return nil }
        return tokens.checkInCode(registrationID: registration.id.rawValue, token: token)
    }

    /// Tokens are opaque; anything implausible is simply not found.
    private func token(_ context: TandemRequestContext) throws -> String {
        let token = try context.parameters.require("token")
        guard (20...128).contains(token.utf8.count) else { throw StoreError.notFound(entity: "registration", key: "for this link") }
        return token
    }
}

extension Limits {
    /// Takes from the registration buckets of an event that exists (an unknown one is 404 before
    /// any bucket is touched, so no key is ever made from path text a stranger chose).
    func admitRegistration(address: String, eventSlug: String, store: any ScheduleStore) async throws {
        guard settings.enabled else { return }
        try admitRegistration(address: address, eventID: try await store.event(slug: eventSlug).id)
    }
}

extension RegistrationStore {
    /// Registers, and counts the outcome (`tandem_registrations_total{outcome}`: confirmed, waitlisted,
    /// check-email (a `verified` event) or rejected). The API and the plain form both come in here.
    func registerCounted(eventSlug: String, _ request: RegistrationRequest, activity: RegistrationActivity) async throws -> RegistrationReceipt {
        defer { activity.record() }
        do {
            let receipt = try await register(eventSlug: eventSlug, request)
            TandemMetrics.registration(receipt.checkEmail ? "check-email" : receipt.registration.status.rawValue)
            return receipt
        } catch {
            TandemMetrics.registration("rejected")
            throw error
        }
    }
}
