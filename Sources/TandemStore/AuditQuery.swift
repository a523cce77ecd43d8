import Foundation

/// Which audit entries to read, newest first: filters that combine, and the page.
public struct AuditQuery: Hashable, Sendable {
    /// One event's entries (`nil`: the whole programme's).
    public var eventSlug: String?
    /// One account's actions, by its e-mail (compared regardless of case), including those it took
    /// with its API tokens (`email (token: name)`).
    public var actor: String?
    /// Actions that begin with this, e.g. `session.` or `registration.checked-in`.
    public var actionPrefix: String?
    /// Entries older than this id (the page cursor).
    public var before: Int64?
    public var limit: Int

    public init(eventSlug: String? = nil, actor: String? = nil, actionPrefix: String? = nil, before: Int64? = nil, limit: Int = 50) {
        self.eventSlug = eventSlug
        self.actor = actor
        self.actionPrefix = actionPrefix
        self.before = before
        self.limit = limit
    }

    /// The start of the actor of an entry made with one of `actor`'s API tokens.
    public var tokenActorPrefix: String? { actor.map { "\($0) (token: " } }
}

extension AccountStore {
    /// Audit entries, newest first: one event's, or (with `nil`) the whole programme's.
    public func auditLog(eventSlug: String?, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await auditLog(AuditQuery(eventSlug: eventSlug, before: before, limit: limit))
    }
}
