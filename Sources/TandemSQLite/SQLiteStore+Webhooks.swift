import Foundation
import GRDB
import TandemCore
import TandemStore

/// Webhook endpoints and their deliveries. One process owns a SQLite file, so a claim's lease only
/// guards against the worker's own overlapping rounds.
extension SQLiteStore: WebhookStore {
    static let webhookColumns = """
        id, eventId, url, types, secretHint, active, consecutiveFailures, deliveredSeq, nextAttemptAt, lastError, createdBy, createdAt
        """

    static func webhookEndpoint(_ row: Row) -> WebhookEndpoint {
        let types: String = row["types"]
        return WebhookEndpoint(id: .init(row["id"]), eventID: .init(row["eventId"]), url: row["url"],
                               types: types.split(separator: ",").map(String.init), secretHint: row["secretHint"], active: row["active"],
                               consecutiveFailures: row["consecutiveFailures"], deliveredSeq: row["deliveredSeq"],
                               nextAttemptAt: row["nextAttemptAt"], lastError: row["lastError"], createdBy: row["createdBy"], createdAt: row["createdAt"])
    }

    private static func endpoint(_ db: Database, eventID: Int64, id: WebhookEndpoint.ID) throws -> WebhookEndpoint {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(webhookColumns) FROM webhookEndpoint WHERE id = ? AND eventId = ?",
                                         arguments: [id.rawValue, eventID])
        else { throw StoreError.notFound(entity: "webhook", key: id.description) }
        return webhookEndpoint(row)
    }

    public func createWebhook(eventSlug: String, _ webhook: NewWebhook, by actor: String) async throws -> WebhookEndpoint {
        try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            let start = min(webhook.since ?? event.scheduleVersion, event.scheduleVersion)
            try db.execute(sql: """
                INSERT INTO webhookEndpoint (eventId, url, types, sealedSecret, secretHint, active, consecutiveFailures, deliveredSeq,
                                             nextAttemptAt, createdBy, createdAt)
                VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?)
                """, arguments: [event.id, webhook.url, webhook.types.joined(separator: ","), webhook.sealedSecret, webhook.secretHint,
                                 max(0, start), log.at, actor, log.at])
            let id = WebhookEndpoint.ID(db.lastInsertedRowID)
            try log.audit(event: Event.ID(event.id!), action: "webhook.created", detail: ["webhook": id.description, "url": webhook.url])
            return try Self.endpoint(db, eventID: event.id!, id: id)
        }
    }

    public func webhooks(eventSlug: String) async throws -> [WebhookEndpoint] {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            return try Row.fetchAll(db, sql: "SELECT \(Self.webhookColumns) FROM webhookEndpoint WHERE eventId = ? ORDER BY id",
                                    arguments: [event.id]).map(Self.webhookEndpoint)
        }
    }

    public func webhook(eventSlug: String, id: WebhookEndpoint.ID) async throws -> WebhookEndpoint {
        try await read { db in try Self.endpoint(db, eventID: try db.eventRecord(slug: eventSlug).id!, id: id) }
    }

    public func webhookSecret(eventSlug: String, id: WebhookEndpoint.ID) async throws -> String {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            guard let sealed = try String.fetchOne(db, sql: "SELECT sealedSecret FROM webhookEndpoint WHERE id = ? AND eventId = ?",
                                                   arguments: [id.rawValue, event.id])
            else { throw StoreError.notFound(entity: "webhook", key: id.description) }
            return sealed
        }
    }

    public func updateWebhook(eventSlug: String, id: WebhookEndpoint.ID, patch: WebhookPatch, by actor: String) async throws -> WebhookEndpoint {
        try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            let old = try Self.endpoint(db, eventID: event.id!, id: id)
            if let url = patch.url { try db.execute(sql: "UPDATE webhookEndpoint SET url = ? WHERE id = ?", arguments: [url, id.rawValue]) }
            if let types = patch.types {
                try db.execute(sql: "UPDATE webhookEndpoint SET types = ? WHERE id = ?", arguments: [types.joined(separator: ","), id.rawValue])
            }
            if let active = patch.active {
                if active {
                    // Resumed: tried at once, its failures in a row forgotten.
                    try db.execute(sql: "UPDATE webhookEndpoint SET active = 1, consecutiveFailures = 0, nextAttemptAt = ? WHERE id = ?",
                                   arguments: [log.at, id.rawValue])
                } else {
                    // Paused: the claim ends too, so a delivery under way stops after its POST.
                    try db.execute(sql: "UPDATE webhookEndpoint SET active = 0, leaseHolder = NULL, leaseUntil = NULL WHERE id = ?", arguments: [id.rawValue])
                }
            }
            let new = try Self.endpoint(db, eventID: event.id!, id: id)
            var detail = ["webhook": id.description, "url": new.url]
            if old.active != new.active || patch.active == true { detail["active"] = String(new.active) }
            try log.audit(event: Event.ID(event.id!), action: "webhook.updated", detail: detail)
            return new
        }
    }

    public func deleteWebhook(eventSlug: String, id: WebhookEndpoint.ID, by actor: String) async throws {
        try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            let old = try Self.endpoint(db, eventID: event.id!, id: id)
            try db.execute(sql: "DELETE FROM webhookEndpoint WHERE id = ?", arguments: [id.rawValue])
            try log.audit(event: Event.ID(event.id!), action: "webhook.deleted", detail: ["webhook": id.description, "url": old.url])
        }
    }

    public func webhookDeliveries(eventSlug: String, id: WebhookEndpoint.ID, before: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        try await read { db in
            _ = try Self.endpoint(db, eventID: try db.eventRecord(slug: eventSlug).id!, id: id)
            return try Row.fetchAll(db, sql: """
                SELECT id, endpointId, seq, type, attempt, status, error, durationMs, at, deliveryId FROM webhookDelivery
                WHERE endpointId = ? AND id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [id.rawValue, before ?? Int64.max, limit]).map {
                WebhookDelivery(id: $0["id"], endpointID: .init($0["endpointId"]), seq: $0["seq"], type: $0["type"], attempt: $0["attempt"],
                                status: $0["status"], error: $0["error"], durationMilliseconds: $0["durationMs"], at: $0["at"],
                                deliveryID: $0["deliveryId"])
            }
        }
    }

    public func claimDueWebhooks(holder: String, at instant: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookClaim] {
        // Looked for in a read first: the worker asks after every change and every second, and a
        // write (with its fsync) each time would be wasted while nothing is due.
        let anyDue = try await read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM webhookEndpoint w JOIN event e ON e.id = w.eventId
                               WHERE w.active AND w.deliveredSeq < e.scheduleVersion AND w.nextAttemptAt <= ?
                                   AND (w.leaseUntil IS NULL OR w.leaseUntil <= ? OR w.leaseHolder = ?))
                """, arguments: [instant, instant, holder]) ?? false
        }
        guard anyDue else { return [] }
        return try await write(actor: "system") { db, _ in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Self.webhookColumns.split(separator: ",").map { "w." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
                       w.sealedSecret, e.slug, e.timezone
                FROM webhookEndpoint w JOIN event e ON e.id = w.eventId
                WHERE w.active AND w.deliveredSeq < e.scheduleVersion AND w.nextAttemptAt <= ?
                    AND (w.leaseUntil IS NULL OR w.leaseUntil <= ? OR w.leaseHolder = ?)
                ORDER BY w.nextAttemptAt, w.id LIMIT ?
                """, arguments: [instant, instant, holder, limit])
            return try rows.map { row in
                let endpoint = Self.webhookEndpoint(row)
                try db.execute(sql: "UPDATE webhookEndpoint SET leaseHolder = ?, leaseUntil = ? WHERE id = ?",
                               arguments: [holder, instant.addingTimeInterval(lease), endpoint.id.rawValue])
                return WebhookClaim(endpoint: endpoint, eventSlug: row["slug"], timezone: row["timezone"], sealedSecret: row["sealedSecret"])
            }
        }
    }

    public func skipWebhookChanges(endpointID: WebhookEndpoint.ID, through seq: Int64, holder: String, lease: TimeInterval) async throws -> Bool {
        try await write(actor: "system") { db, log in
            try db.execute(sql: """
                UPDATE webhookEndpoint SET deliveredSeq = MAX(deliveredSeq, ?), leaseUntil = ? WHERE id = ? AND leaseHolder = ?
                """, arguments: [seq, log.at.addingTimeInterval(lease), endpointID.rawValue, holder])
            return db.changesCount > 0
        }
    }

    public func recordWebhookAttempt(_ attempt: WebhookAttempt, holder: String, rules: WebhookRules, lease: TimeInterval, keep: Int) async throws -> Bool {
        try await write(actor: "system") { db, log in
            let id = attempt.endpointID.rawValue
            var number = 1
            if attempt.seq > 0 {
                guard let failures = try Int.fetchOne(db, sql: "SELECT consecutiveFailures FROM webhookEndpoint WHERE id = ? AND leaseHolder = ?",
                                                      arguments: [id, holder])
                else { return false }
                number = failures + 1
                if attempt.error == nil {
                    try db.execute(sql: """
                        UPDATE webhookEndpoint SET deliveredSeq = MAX(deliveredSeq, ?), consecutiveFailures = 0, lastError = NULL,
                            nextAttemptAt = ?, leaseUntil = ? WHERE id = ?
                        """, arguments: [attempt.seq, log.at, log.at.addingTimeInterval(lease), id])
                } else {
                    switch rules.afterFailure(failures: number, now: log.at) {
                    case .retry(let next):
                        try db.execute(sql: """
                            UPDATE webhookEndpoint SET consecutiveFailures = ?, lastError = ?, nextAttemptAt = ?, leaseHolder = NULL, leaseUntil = NULL
                            WHERE id = ?
                            """, arguments: [number, attempt.error, next, id])
                    case .pause:
                        try db.execute(sql: """
                            UPDATE webhookEndpoint SET consecutiveFailures = ?, lastError = ?, active = 0, leaseHolder = NULL, leaseUntil = NULL
                            WHERE id = ?
                            """, arguments: [number, attempt.error, id])
                    }
                }
            } else if try Int.fetchOne(db, sql: "SELECT 1 FROM webhookEndpoint WHERE id = ?", arguments: [id]) == nil {
                return false
            }
            try db.execute(sql: """
                INSERT INTO webhookDelivery (endpointId, seq, type, attempt, status, error, durationMs, at, deliveryId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, attempt.seq, attempt.type, number, attempt.status, attempt.error.map { String($0.prefix(500)) },
                                 attempt.durationMilliseconds, log.at, attempt.deliveryID])
            try db.execute(sql: """
                DELETE FROM webhookDelivery WHERE endpointId = ? AND id <= (
                    SELECT id FROM webhookDelivery WHERE endpointId = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                """, arguments: [id, id, keep])
            return true
        }
    }

    public func releaseWebhook(endpointID: WebhookEndpoint.ID, holder: String) async throws {
        try await write(actor: "system") { db, _ in
            try db.execute(sql: "UPDATE webhookEndpoint SET leaseHolder = NULL, leaseUntil = NULL WHERE id = ? AND leaseHolder = ?",
                           arguments: [endpointID.rawValue, holder])
        }
    }
}
