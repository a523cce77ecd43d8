import Foundation

/// An organiser's webhook endpoint: every change of one event is POSTed to `url`, in `seq` order.
public struct WebhookEndpoint: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<WebhookEndpoint>

    public var id: ID
    public var eventID: Event.ID
    public var url: String
    /// The change types wanted (`session.updated`); empty: every type.
    public var types: [String]
    /// The last characters of the signing secret, to tell secrets apart (the secret itself is never shown again).
    public var secretHint: String
    /// `false`: paused, by an organiser or after too many failures in a row.
    public var active: Bool
    public var consecutiveFailures: Int
    /// Every change up to this `seq` has been delivered (or skipped as unwanted).
    public var deliveredSeq: Int64
    /// When the next attempt may be made (after a failure: the back-off).
    public var nextAttemptAt: Date
    /// The last failure's sentence (`HTTP 500`, `connection refused`), cleared by a success.
    public var lastError: String?
    public var createdBy: String
    public var createdAt: Date

    public init(id: ID, eventID: Event.ID, url: String, types: [String], secretHint: String, active: Bool, consecutiveFailures: Int,
                deliveredSeq: Int64, nextAttemptAt: Date, lastError: String?, createdBy: String, createdAt: Date) {
        self.id = id
        self.eventID = eventID
        self.url = url
        self.types = types
        self.secretHint = secretHint
        self.active = active
        self.consecutiveFailures = consecutiveFailures
        self.deliveredSeq = deliveredSeq
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// Whether a change of `type` is sent to this endpoint (others are skipped).
    public func wants(_ type: String) -> Bool { WebhookRules.wants(types: types, type: type) }
}

/// One POST to an endpoint and its outcome.
public struct WebhookDelivery: Hashable, Sendable {
    public var id: Int64
    public var endpointID: WebhookEndpoint.ID
    /// The change's `seq`; 0 for a test ping.
    public var seq: Int64
    public var type: String
    /// 1 for the first try of this `seq`, 2 for its first retry…
    public var attempt: Int
    /// The HTTP status the receiver answered, if it answered.
    public var status: Int?
    /// Why the attempt failed, in a sentence; `nil` for a success.
    public var error: String?
    public var durationMilliseconds: Int
    public var at: Date
    /// The `Tandem-Delivery` header sent.
    public var deliveryID: String

    public init(id: Int64, endpointID: WebhookEndpoint.ID, seq: Int64, type: String, attempt: Int, status: Int?, error: String?,
                durationMilliseconds: Int, at: Date, deliveryID: String) {
        self.id = id
        self.endpointID = endpointID
        self.seq = seq
        self.type = type
        self.attempt = attempt
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
        self.at = at
        self.deliveryID = deliveryID
    }

    public var succeeded: Bool { error == nil }
}

/// The decisions of webhook delivery: which changes are sent, when a failed one is tried again,
/// and when an endpoint that keeps failing is paused.
public struct WebhookRules: Hashable, Sendable {
    /// The wait after the first failure; it doubles with each further failure in a row…
    public var firstDelay: TimeInterval
    /// …up to this.
    public var maxDelay: TimeInterval
    /// An endpoint is paused after this many failures in a row.
    public var pauseAfter: Int

    public init(firstDelay: TimeInterval = 1, maxDelay: TimeInterval = 600, pauseAfter: Int = 10) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.pauseAfter = pauseAfter
    }

    /// Whether an endpoint asking for `types` (empty: all) is sent a change of `type`.
    public static func wants(types: [String], type: String) -> Bool { types.isEmpty || types.contains(type) }

    /// What happens after an attempt failed, `failures` being the failures in a row counting this one.
    public enum AfterFailure: Hashable, Sendable {
        /// Try the same change again at this time.
        case retry(at: Date)
        /// Stop trying until an organiser resumes the endpoint.
        case pause
    }

    /// The wait before the next attempt after `failures` failures in a row: `firstDelay`, doubling, capped.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        RetryPolicy.backoff(first: firstDelay, max: maxDelay, failures: failures)
    }

    public func afterFailure(failures: Int, now: Date) -> AfterFailure {
        failures >= pauseAfter ? .pause : .retry(at: now.addingTimeInterval(delay(afterFailures: failures)))
    }

    /// The change types an organiser may ask for.
    public static let knownTypes = [
        "event.created", "event.updated", "room.created", "room.updated", "room.deleted",
        "session.created", "session.updated", "session.cancelled", "session.deleted", "schedule.delayed",
        "announcement.created", "announcement.expired", "speaker.created", "speaker.updated", "seats.changed",
    ]

    /// Problems with an endpoint URL: only `http`/`https`, with a host, without credentials or a fragment.
    public static func validateURL(_ text: String, field: String = "url") -> [FieldError] {
        guard !text.isEmpty, text.count <= 2000 else { return [FieldError(field: field, message: "must be a URL of 1 to 2000 characters")] }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return [FieldError(field: field, message: "is not a URL; give one like https://example.org/tandem-hook")]
        }
        guard scheme == "http" || scheme == "https" else {
            return [FieldError(field: field, message: "must start with http:// or https:// (not \(scheme):)")]
        }
        guard let host = components.host, !host.isEmpty else {
            return [FieldError(field: field, message: "has no host; give one like https://example.org/tandem-hook")]
        }
        if components.user != nil || components.password != nil {
            return [FieldError(field: field, message: "must not carry a user name or password; the signature proves the sender")]
        }
        if components.fragment != nil { return [FieldError(field: field, message: "must not have a #fragment")] }
        if text.contains(where: { $0.isWhitespace }) { return [FieldError(field: field, message: "must not contain spaces")] }
        return []
    }

    /// Problems with a list of wanted types: each must be a known change type, none twice.
    public static func validateTypes(_ types: [String], field: String = "types") -> [FieldError] {
        if let unknown = types.first(where: { !knownTypes.contains($0) }) {
            return [FieldError(field: field, message: "'\(unknown.prefix(60))' is not a change type; use some of \(knownTypes.joined(separator: ", "))")]
        }
        if Set(types).count != types.count { return [FieldError(field: field, message: "names a type twice")] }
        return []
    }
}
