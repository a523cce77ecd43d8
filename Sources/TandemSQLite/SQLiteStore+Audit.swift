import Foundation
import GRDB
import TandemCore
import TandemStore

/// The audit log, newest first, filtered by event, actor and action.
extension SQLiteStore {
    public func auditLog(_ query: AuditQuery) async throws -> [AuditEntry] {
        try await read { db in
            var conditions = ["auditEntry.id < ?"]
            var arguments: StatementArguments = [query.before ?? Int64.max]
            if let eventSlug = query.eventSlug {
                conditions.append("auditEntry.eventId = ?")
                _ = arguments.append(contentsOf: [try db.eventRecord(slug: eventSlug).id!])
            }
            if let actor = query.actor, let tokenPrefix = query.tokenActorPrefix {
                // The account's own actions and those of its API tokens (`email (token: name)`).
                conditions.append("(lower(auditEntry.actor) = lower(?) OR substr(lower(auditEntry.actor), 1, length(?)) = lower(?))")
                _ = arguments.append(contentsOf: [actor, tokenPrefix, tokenPrefix])
            }
            if let prefix = query.actionPrefix {
                conditions.append("substr(auditEntry.action, 1, length(?)) = ?")
                _ = arguments.append(contentsOf: [prefix, prefix])
            }
            _ = arguments.append(contentsOf: [max(1, min(query.limit, 500))])
            return try Row.fetchAll(db, sql: """
                SELECT auditEntry.id, event.slug, auditEntry.seq, auditEntry.action, auditEntry.actor, auditEntry.at,
                       COALESCE(change.payload, auditEntry.detail) AS data
                FROM auditEntry
                LEFT JOIN event ON event.id = auditEntry.eventId
                LEFT JOIN change ON change.id = auditEntry.changeId
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY auditEntry.id DESC LIMIT ?
                """, arguments: arguments).map {
                AuditEntry(id: $0[0], eventSlug: $0[1], seq: $0[2], action: $0[3], actor: $0[4], at: $0[5], data: $0[6])
            }
        }
    }
}
