import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// An event's webhook endpoints (organisers of the event, programme organisers and admins): add,
/// list, edit, pause and resume, delete, a test ping, and each endpoint's recent deliveries.
struct WebhooksController {
    let store: any TandemStorage
    let secrets: WebhookSecrets
    let sender: WebhookSender
    let randomness: Randomness
    let clock: any WallClock
    let keepDeliveries: Int
    /// Failures in a row after which the worker pauses an endpoint: such a pause shows as `failing`.
    let pauseAfter: Int

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/events/{slug}/webhooks", use: list)
        group.post("/events/{slug}/webhooks", use: create)
        group.get("/events/{slug}/webhooks/{id}", use: show)
        group.patch("/events/{slug}/webhooks/{id}", use: update)
        group.delete("/events/{slug}/webhooks/{id}", use: delete)
        group.get("/events/{slug}/webhooks/{id}/deliveries", use: deliveries)
        group.post("/events/{slug}/webhooks/{id}/ping", use: ping)
    }

    @Sendable func list(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<WebhookResponse>> {
        _ = try context.require(.editSchedule)
        let endpoints = try await store.webhooks(eventSlug: try context.parameters.require("slug"))
        return EditedResponse(headers: [.cacheControl: "no-store"], response: Page(items: endpoints.map { WebhookResponse($0, pauseAfter: pauseAfter) }, next: nil))
    }

    /// The secret is answered only here, once; without one, a random one is made.
    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<WebhookResponse> {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: CreateWebhookRequest.self, context: context)
        let url = body.url.trimmingCharacters(in: .whitespaces)
        let types = body.types ?? []
        var errors = WebhookRules.validateURL(url) + WebhookRules.validateTypes(types)
        if let secret = body.secret, !(16...200).contains(secret.count) || secret.contains(where: { $0.isWhitespace || $0.isNewline }) {
            errors.append(FieldError(field: "secret", message: "must be 16 to 200 characters without spaces (or leave it out to get a random one)"))
        }
        if let since = body.since, since < 0 { errors.append(FieldError(field: "since", message: "must be 0 or a seq of this event")) }
        try ValidationError.check(errors)
        let secret = body.secret ?? "whsec_" + AccessToken.base64URL(randomness.bytes(24))
        let endpoint = try await store.createWebhook(
            eventSlug: slug,
            NewWebhook(url: url, types: types, sealedSecret: try secrets.seal(secret), secretHint: WebhookSecrets.hint(secret), since: body.since),
            by: context.actor)
        var response = WebhookResponse(endpoint, pauseAfter: pauseAfter)
        response.secret = secret
        return EditedResponse(status: .created, headers: [.location: "/api/v1/events/\(slug)/webhooks/\(endpoint.id)", .cacheControl: "no-store"],
                              response: response)
    }

    @Sendable func show(_ request: Request, context: TandemRequestContext) async throws -> WebhookResponse {
        _ = try context.require(.editSchedule)
        return WebhookResponse(try await store.webhook(eventSlug: try context.parameters.require("slug"), id: try Self.id(context)),
                               pauseAfter: pauseAfter)
    }

    /// `url`, `types`, `active` (false pauses, true resumes); `resume: true` is `active: true`.
    @Sendable func update(_ request: Request, context: TandemRequestContext) async throws -> WebhookResponse {
        _ = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: UpdateWebhookRequest.self, context: context)
        let url = body.url?.trimmingCharacters(in: .whitespaces)
        var errors = (url.map { WebhookRules.validateURL($0) } ?? []) + (body.types.map { WebhookRules.validateTypes($0) } ?? [])
        if body.resume == true, body.active == false {
            errors.append(FieldError(field: "resume", message: "cannot be combined with active: false"))
        }
        try ValidationError.check(errors)
        let active = body.resume == true ? true : body.active
        return WebhookResponse(try await store.updateWebhook(eventSlug: try context.parameters.require("slug"), id: try Self.id(context),
                                                             patch: WebhookPatch(url: url, types: body.types, active: active), by: context.actor),
                               pauseAfter: pauseAfter)
    }

    @Sendable func delete(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.require(.editSchedule)
        try await store.deleteWebhook(eventSlug: try context.parameters.require("slug"), id: try Self.id(context), by: context.actor)
        return Response(status: .noContent)
    }

    /// Newest first; `?limit=` (1–200, default 50) and `?cursor=` from `next`.
    @Sendable func deliveries(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<DeliveryResponse>> {
        _ = try context.require(.editSchedule)
        let parameters = request.uri.queryParameters
        var errors: [FieldError] = []
        var limit = 50
        var before: Int64?
        if let text = parameters.get("limit") {
            if let value = Int(text), (1...200).contains(value) { limit = value } else {
                errors.append(FieldError(field: "limit", message: "must be between 1 and 200"))
            }
        }
        if let text = parameters.get("cursor") {
            if let value = Int64(text), value > 0 { before = value } else {
                errors.append(FieldError(field: "cursor", message: "is not a cursor from this list"))
            }
        }
        try ValidationError.check(errors)
        let items = try await store.webhookDeliveries(eventSlug: try context.parameters.require("slug"), id: try Self.id(context),
                                                      before: before, limit: limit)
        let next = items.count == limit ? items.last.map { String($0.id) } : nil
        return EditedResponse(headers: [.cacheControl: "no-store"], response: Page(items: items.map { DeliveryResponse($0) }, next: next))
    }

    /// Sends `{"seq": 0, "type": "ping", …}` now, signed like every delivery, and answers how it went
    /// (also listed in the deliveries). It changes nothing else: a paused endpoint stays paused.
    @Sendable func ping(_ request: Request, context: TandemRequestContext) async throws -> DeliveryResponse {
        _ = try context.require(.editSchedule)
        let slug = try context.parameters.require("slug")
        let id = try Self.id(context)
        let endpoint = try await store.webhook(eventSlug: slug, id: id)
        let secret = try secrets.open(try await store.webhookSecret(eventSlug: slug, id: id))
        let body = String(decoding: try WireJSON.encoder.encode(PingMessage(at: clock.now().wire(in: .gmt), data: .init(webhookId: id.rawValue, event: slug))),
                          as: UTF8.self)
        let deliveryID = randomness.uuid().uuidString.lowercased()
        let outcome = await sender.send(url: endpoint.url, body: body, secret: secret, eventSlug: slug, seq: 0, deliveryID: deliveryID)
        let attempt = WebhookAttempt(endpointID: id, seq: 0, type: "ping", status: outcome.status, error: outcome.error,
                                     durationMilliseconds: outcome.milliseconds, deliveryID: deliveryID)
        _ = try await store.recordWebhookAttempt(attempt, holder: "ping", rules: WebhookRules(), lease: 0, keep: keepDeliveries)
        let latest = try await store.webhookDeliveries(eventSlug: slug, id: id, before: nil, limit: 10).first { $0.deliveryID == deliveryID }
        guard let latest else { throw StoreError.notFound(entity: "webhook", key: id.description) }
        return DeliveryResponse(latest)
    }

    static func id(_ context: TandemRequestContext) throws -> WebhookEndpoint.ID {
        WebhookEndpoint.ID(try context.parameters.require("id", as: Int64.self))
    }

    /// The body of a test ping: the envelope of every delivery.
    struct PingMessage: Encodable {
        var seq: Int64 = 0
        var type = "ping"
        var at: String
        var data: PingData
        struct PingData: Encodable {
            var webhookId: Int64
            var event: String
        }
    }
}

// The request bodies of WebhooksController's routes.
extension WebhooksController {
    /// `POST /api/v1/events/{slug}/webhooks`.
    struct CreateWebhookRequest: Decodable {
        var url: String
        /// Change types wanted; empty or absent: all.
        var types: [String]?
        /// 16–200 characters; absent: a random one is made and answered once.
        var secret: String?
        /// Deliver the changes after this `seq` (absent: only changes from now on).
        var since: Int64?
    }

    /// `PATCH /api/v1/events/{slug}/webhooks/{id}`.
    struct UpdateWebhookRequest: Decodable {
        var url: String?
        var types: [String]?
        var active: Bool?
        var resume: Bool?
    }
}

/// An endpoint as the API shows it: never its secret, except once in the answer that created it.
struct WebhookResponse: ResponseEncodable, Sendable {
    var id: Int64
    var url: String
    var types: [String]
    /// `active`, `paused` (by an organiser) or `failing` (paused after too many failures in a row).
    var state: String
    var active: Bool
    var consecutiveFailures: Int
    var deliveredSeq: Int64
    var nextAttemptAt: String
    var lastError: String?
    var secretHint: String
    var secret: String?
    var createdBy: String
    var createdAt: String

    init(_ endpoint: WebhookEndpoint, pauseAfter: Int) {
        id = endpoint.id.rawValue
        url = endpoint.url
        types = endpoint.types
        active = endpoint.active
        state = endpoint.active ? "active" : (endpoint.consecutiveFailures >= pauseAfter ? "failing" : "paused")
        consecutiveFailures = endpoint.consecutiveFailures
        deliveredSeq = endpoint.deliveredSeq
        nextAttemptAt = endpoint.nextAttemptAt.wire(in: .gmt)
        lastError = endpoint.lastError
        secretHint = endpoint.secretHint
        createdBy = endpoint.createdBy
        createdAt = endpoint.createdAt.wire(in: .gmt)
    }
}

/// One POST and its outcome.
struct DeliveryResponse: ResponseEncodable, Sendable {
    var id: Int64
    var seq: Int64
    var type: String
    var attempt: Int
    var ok: Bool
    var status: Int?
    var error: String?
    var durationMs: Int
    var at: String
    var deliveryId: String

    init(_ delivery: WebhookDelivery) {
        id = delivery.id
        seq = delivery.seq
        type = delivery.type
        attempt = delivery.attempt
        ok = delivery.succeeded
        status = delivery.status
        error = delivery.error
        durationMs = delivery.durationMilliseconds
        at = delivery.at.wire(in: .gmt)
        deliveryId = delivery.deliveryID
    }
}
