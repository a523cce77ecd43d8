import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The audit log, newest first, filtered by event, actor and action: SQLite's `SQLiteStore+Audit.swift`.
extension PostgresStore {
    public func auditLog(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await read { tx in
            let before = query.before ?? Int64.max
            let limit = max(1, min(query.limit, 500))
            var eventID: Int64?
            if let eventSlug = query.eventSlug {
                guard let id = try await tx.value(Int64.self, "SELECT id FROM event WHERE slug = \(eventSlug)") else {
                    throw StoreError.notFound(entity: "event", key: eventSlug)
                }
                eventID = id
            }
            let filterEvent = eventID != nil
            // The account's own actions and those of its API tokens (`email (token: name)`).
            let actor = query.actor, tokenPrefix = query.tokenActorPrefix, filterActor = query.actor != nil
            let prefix = query.actionPrefix, filterAction = query.actionPrefix != nil
            let rows = try await tx.query("""
                SELECT auditEntry.id, event.slug, auditEntry.seq, auditEntry.action, auditEntry.actor, auditEntry.at,
                       COALESCE(change.payload, auditEntry.detail) AS data
                FROM auditEntry
                LEFT JOIN event ON event.id = auditEntry.eventId
                LEFT JOIN change ON change.id = auditEntry.changeId
                WHERE auditEntry.id < \(before) AND (NOT \(filterEvent) OR auditEntry.eventId = \(eventID))
                  AND (NOT \(filterActor) OR lower(auditEntry.actor) = lower(\(actor)::text)
                       OR left(lower(auditEntry.actor), length(\(tokenPrefix)::text)) = lower(\(tokenPrefix)::text))
                  AND (NOT \(filterAction) OR left(auditEntry.action, length(\(prefix)::text)) = \(prefix)::text)
                ORDER BY auditEntry.id DESC LIMIT \(limit)
                """)
            return try rows.map { row in
                let (id, slug, seq, action, actor, at, data) = try row.decode((Int64, String?, Int64?, String, String, Date, String?).self)
                return AuditEntry(id: id, eventSlug: slug, seq: seq, action: action, actor: actor, at: at, data: data)
            }
        }
    }
}
