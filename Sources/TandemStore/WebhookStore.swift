import Foundation
import TandemCore

/// A new webhook endpoint, its secret sealed already (the store never sees it in clear).
public struct NewWebhook: Sendable {
    public var url: String
    public var types: [String]
    /// The signing secret, encrypted by the server (AES-GCM, key derived from the server's secret).
    public var sealedSecret: String
    public var secretHint: String
    /// Deliver the changes after this `seq`; `nil`: from now on (the event's current `seq`).
    public var since: Int64?

    public init(url: String, types: [String], sealedSecret: String, secretHint: String, since: Int64? = nil) {
        self.url = url
        self.types = types
        self.sealedSecret = sealedSecret
        self.secretHint = secretHint
        self.since = since
    }
}

/// Changes to an endpoint; `nil` leaves a field as it is.
public struct WebhookPatch: Sendable {
    public var url: String?
    public var types: [String]?
    /// `false` pauses; `true` resumes (and forgets the failures in a row, so it is tried at once).
    public var active: Bool?

    public init(url: String? = nil, types: [String]? = nil, active: Bool? = nil) {
        self.url = url
        self.types = types
        self.active = active
    }
}

/// An endpoint claimed by one instance for delivery, with what that instance needs to deliver.
public struct WebhookClaim: Sendable {
    public var endpoint: WebhookEndpoint
    public var eventSlug: String
    /// The event's IANA zone, for the times in the messages.
    public var timezone: String
    public var sealedSecret: String

    public init(endpoint: WebhookEndpoint, eventSlug: String, timezone: String, sealedSecret: String) {
        self.endpoint = endpoint
        self.eventSlug = eventSlug
        self.timezone = timezone
        self.sealedSecret = sealedSecret
    }
}

/// How an attempt ended, as the worker reports it.
public struct WebhookAttempt: Sendable {
    public var endpointID: WebhookEndpoint.ID
    public var seq: Int64
    public var type: String
    public var status: Int?
    /// `nil`: delivered (2xx).
    public var error: String?
    public var durationMilliseconds: Int
    public var deliveryID: String

    public init(endpointID: WebhookEndpoint.ID, seq: Int64, type: String, status: Int?, error: String?, durationMilliseconds: Int, deliveryID: String) {
        self.endpointID = endpointID
        self.seq = seq
        self.type = type
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
        self.deliveryID = deliveryID
    }
}

/// Webhook endpoints and their deliveries. Several instances on one database each claim endpoints
/// (with a lease), so that one instance at a time delivers an endpoint, in `seq` order.
public protocol WebhookStore: Sendable {
    func createWebhook(eventSlug: String, _ webhook: NewWebhook, by actor: String) async throws -> WebhookEndpoint
    func webhooks(eventSlug: String) async throws -> [WebhookEndpoint]
    func webhook(eventSlug: String, id: WebhookEndpoint.ID) async throws -> WebhookEndpoint
    /// The endpoint with its sealed secret (for a test ping).
    func webhookSecret(eventSlug: String, id: WebhookEndpoint.ID) async throws -> String
    func updateWebhook(eventSlug: String, id: WebhookEndpoint.ID, patch: WebhookPatch, by actor: String) async throws -> WebhookEndpoint
    func deleteWebhook(eventSlug: String, id: WebhookEndpoint.ID, by actor: String) async throws
    /// The endpoint's most recent deliveries, newest first (ids below `before`, for paging).
    func webhookDeliveries(eventSlug: String, id: WebhookEndpoint.ID, before: Int64?, limit: Int) async throws -> [WebhookDelivery]

    /// Claims, for `holder` until `instant + lease`, up to `limit` active endpoints that have
    /// changes to deliver and whose next attempt is due, skipping those another holder's lease covers.
    func claimDueWebhooks(holder: String, at instant: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookClaim]
    /// Moves an endpoint past changes it does not want (no POST). False when `holder` lost the lease.
    func skipWebhookChanges(endpointID: WebhookEndpoint.ID, through seq: Int64, holder: String, lease: TimeInterval) async throws -> Bool
    /// Records an attempt (keeping the latest `keep` per endpoint): a success moves the endpoint past
    /// `attempt.seq`; a failure counts one more in a row and, as `rules` decide, sets the next
    /// attempt's time or pauses the endpoint (and lets its lease go). A ping (`seq` 0) moves nothing.
    /// False when `holder` lost the lease (nothing is written then).
    func recordWebhookAttempt(_ attempt: WebhookAttempt, holder: String, rules: WebhookRules, lease: TimeInterval, keep: Int) async throws -> Bool
    /// Lets go of a claim early (the endpoint is caught up, or the instance stops).
    func releaseWebhook(endpointID: WebhookEndpoint.ID, holder: String) async throws
}
