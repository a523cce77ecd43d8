import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// Webhook endpoints and their deliveries: SQLite's `SQLiteStore+Webhooks.swift`, statement for
/// statement, except the claim: `FOR UPDATE SKIP LOCKED` and a lease, like the outbox, so that of
/// several instances one delivers an endpoint at a time and another takes over a dead one's lease.
extension PostgresStore: WebhookStore {
    static let webhookColumns = """
        w.id, w.eventId, w.url, w.types, w.secretHint, w.active, w.consecutiveFailures, w.deliveredSeq, w.nextAttemptAt, w.lastError, \
        w.createdBy, w.createdAt
        """

    static func webhookEndpoint(_ row: PostgresRow) throws -> WebhookEndpoint {
        let (id, eventID, url, types, hint, active, failures, delivered, next, lastError, createdBy, createdAt) =
            try row.decode((Int64, Int64, String, String, String, Bool, Int64, Int64, Date, String?, String, Date).self)
        return WebhookEndpoint(id: .init(id), eventID: .init(eventID), url: url, types: types.split(separator: ",").map(String.init),
                               secretHint: hint, active: active, consecutiveFailures: Int(failures), deliveredSeq: delivered,
                               nextAttemptAt: next, lastError: lastError, createdBy: createdBy, createdAt: createdAt)
    }

    private static func endpoint(_ tx: PGTransaction, eventID: Event.ID, id: WebhookEndpoint.ID) async throws -> WebhookEndpoint {
        guard let row = try await tx.query("""
            SELECT \(unescaped: webhookColumns) FROM webhookEndpoint w WHERE w.id = \(id.rawValue) AND w.eventId = \(eventID.rawValue)
            """).first
        else { throw StoreError.notFound(entity: "webhook", key: id.description) }
        return try webhookEndpoint(row)
    }

    public func createWebhook(eventSlug: String, _ webhook: NewWebhook, by actor: String) async throws -> WebhookEndpoint {
        try await write(actor: actor) { tx in
            guard let row = try await tx.query("SELECT id, scheduleVersion FROM event WHERE slug = \(eventSlug)").first else {
                throw StoreError.notFound(entity: "event", key: eventSlug)
            }
            let (eventID, version) = try row.decode((Int64, Int64).self)
            let start = max(0, min(webhook.since ?? version, version))
            let types = webhook.types.joined(separator: ",")
            guard let id = try await tx.value(Int64.self, """
                INSERT INTO webhookEndpoint (eventId, url, types, sealedSecret, secretHint, active, consecutiveFailures, deliveredSeq,
                                             nextAttemptAt, createdBy, createdAt)
                VALUES (\(eventID), \(webhook.url), \(types), \(webhook.sealedSecret), \(webhook.secretHint), TRUE, 0, \(start),
                        \(tx.at), \(actor), \(tx.at))
                RETURNING id
                """) else { throw StoreError.notFound(entity: "webhook", key: "new") }
            try await tx.audit(event: Event.ID(eventID), action: "webhook.created", detail: ["webhook": String(id), "url": webhook.url])
            return try await Self.endpoint(tx, eventID: Event.ID(eventID), id: .init(id))
        }
    }

    public func webhooks(eventSlug: String) async throws -> [WebhookEndpoint] {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            return try await tx.query("""
                SELECT \(unescaped: Self.webhookColumns) FROM webhookEndpoint w WHERE w.eventId = \(eventID.rawValue) ORDER BY w.id
                """).map(Self.webhookEndpoint)
        }
    }

    public func webhook(eventSlug: String, id: WebhookEndpoint.ID) async throws -> WebhookEndpoint {
        try await read { tx in try await Self.endpoint(tx, eventID: try await tx.eventID(slug: eventSlug), id: id) }
    }

    public func webhookSecret(eventSlug: String, id: WebhookEndpoint.ID) async throws -> String {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            guard let sealed = try await tx.value(String.self, """
                SELECT sealedSecret FROM webhookEndpoint WHERE id = \(id.rawValue) AND eventId = \(eventID.rawValue)
                """) else { throw StoreError.notFound(entity: "webhook", key: id.description) }
            return sealed
        }
    }

    public func updateWebhook(eventSlug: String, id: WebhookEndpoint.ID, patch: WebhookPatch, by actor: String) async throws -> WebhookEndpoint {
        try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            let old = try await Self.endpoint(tx, eventID: eventID, id: id)
            if let url = patch.url { try await tx.execute("UPDATE webhookEndpoint SET url = \(url) WHERE id = \(id.rawValue)") }
            if let types = patch.types {
                let joined = types.joined(separator: ",")
                try await tx.execute("UPDATE webhookEndpoint SET types = \(joined) WHERE id = \(id.rawValue)")
            }
            if let active = patch.active {
                if active {
                    try await tx.execute("""
                        UPDATE webhookEndpoint SET active = TRUE, consecutiveFailures = 0, nextAttemptAt = \(tx.at) WHERE id = \(id.rawValue)
                        """)
                } else {
                    try await tx.execute("UPDATE webhookEndpoint SET active = FALSE, leaseHolder = NULL, leaseUntil = NULL WHERE id = \(id.rawValue)")
                }
            }
            let new = try await Self.endpoint(tx, eventID: eventID, id: id)
            var detail = ["webhook": id.description, "url": new.url]
            if old.active != new.active || patch.active == true { detail["active"] = String(new.active) }
            try await tx.audit(event: eventID, action: "webhook.updated", detail: detail)
            return new
        }
    }

    public func deleteWebhook(eventSlug: String, id: WebhookEndpoint.ID, by actor: String) async throws {
        try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            let old = try await Self.endpoint(tx, eventID: eventID, id: id)
            try await tx.execute("DELETE FROM webhookEndpoint WHERE id = \(id.rawValue)")
            try await tx.audit(event: eventID, action: "webhook.deleted", detail: ["webhook": id.description, "url": old.url])
        }
    }

    public func webhookDeliveries(eventSlug: String, id: WebhookEndpoint.ID, before: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        try await read { tx in
            _ = try await Self.endpoint(tx, eventID: try await tx.eventID(slug: eventSlug), id: id)
            let before = before ?? Int64.max
            return try await tx.query("""
                SELECT id, endpointId, seq, type, attempt, status, error, durationMs, at, deliveryId FROM webhookDelivery
                WHERE endpointId = \(id.rawValue) AND id < \(before) ORDER BY id DESC LIMIT \(limit)
                """).map { row in
                let (id, endpoint, seq, type, attempt, status, error, duration, at, deliveryID) =
                    try row.decode((Int64, Int64, Int64, String, Int64, Int64?, String?, Int64, Date, String).self)
                return WebhookDelivery(id: id, endpointID: .init(endpoint), seq: seq, type: type, attempt: Int(attempt), status: status.map(Int.init),
                                       error: error, durationMilliseconds: Int(duration), at: at, deliveryID: deliveryID)
            }
        }
    }

    public func claimDueWebhooks(holder: String, at instant: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookClaim] {
        let until = instant.addingTimeInterval(lease)
        // Looked for in one statement first: the worker of every instance asks after every change and
        // every second, and a write transaction each time would be wasted while nothing is due.
        let anyDue = try await readStatement { tx in
            try await tx.value(Bool.self, """
                SELECT EXISTS (SELECT 1 FROM webhookEndpoint w JOIN event e ON e.id = w.eventId
                               WHERE w.active AND w.deliveredSeq < e.scheduleVersion AND w.nextAttemptAt <= \(instant)
                                   AND (w.leaseUntil IS NULL OR w.leaseUntil <= \(instant) OR w.leaseHolder = \(holder)))
                """) ?? false
        }
        guard anyDue else { return [] }
        return try await write(actor: "system") { tx in
            let rows = try await tx.query("""
                WITH due AS (
                    SELECT w.id FROM webhookEndpoint w JOIN event e ON e.id = w.eventId
                    WHERE w.active AND w.deliveredSeq < e.scheduleVersion AND w.nextAttemptAt <= \(instant)
                        AND (w.leaseUntil IS NULL OR w.leaseUntil <= \(instant) OR w.leaseHolder = \(holder))
                    ORDER BY w.nextAttemptAt, w.id LIMIT \(limit)
                    FOR UPDATE OF w SKIP LOCKED)
                UPDATE webhookEndpoint w SET leaseHolder = \(holder), leaseUntil = \(until)
                FROM due, event e WHERE w.id = due.id AND e.id = w.eventId
                RETURNING \(unescaped: Self.webhookColumns), w.sealedSecret, e.slug, e.timezone
                """)
            return try rows.map { row in
                let endpoint = try Self.webhookEndpoint(row)
                let cells = Array(row)
                let sealed = try cells[12].decode(String.self)
                let slug = try cells[13].decode(String.self)
                let zone = try cells[14].decode(String.self)
                return WebhookClaim(endpoint: endpoint, eventSlug: slug, timezone: zone, sealedSecret: sealed)
            }.sorted { ($0.endpoint.nextAttemptAt, $0.endpoint.id) < ($1.endpoint.nextAttemptAt, $1.endpoint.id) }
        }
    }

    public func skipWebhookChanges(endpointID: WebhookEndpoint.ID, through seq: Int64, holder: String, lease: TimeInterval) async throws -> Bool {
        try await write(actor: "system") { tx in
            let until = tx.at.addingTimeInterval(lease)
            return try await !tx.query("""
                UPDATE webhookEndpoint SET deliveredSeq = GREATEST(deliveredSeq, \(seq)), leaseUntil = \(until)
                WHERE id = \(endpointID.rawValue) AND leaseHolder = \(holder) RETURNING 1
                """).isEmpty
        }
    }

    public func recordWebhookAttempt(_ attempt: WebhookAttempt, holder: String, rules: WebhookRules, lease: TimeInterval, keep: Int) async throws -> Bool {
        try await write(actor: "system") { tx in
            let id = attempt.endpointID.rawValue
            var number: Int64 = 1
            if attempt.seq > 0 {
                guard let failures = try await tx.value(Int64.self, """
                    SELECT consecutiveFailures FROM webhookEndpoint WHERE id = \(id) AND leaseHolder = \(holder) FOR UPDATE
                    """) else { return false }
                number = failures + 1
                if attempt.error == nil {
                    let until = tx.at.addingTimeInterval(lease)
                    try await tx.execute("""
                        UPDATE webhookEndpoint SET deliveredSeq = GREATEST(deliveredSeq, \(attempt.seq)), consecutiveFailures = 0, lastError = NULL,
                            nextAttemptAt = \(tx.at), leaseUntil = \(until) WHERE id = \(id)
                        """)
                } else {
                    let error = attempt.error
                    switch rules.afterFailure(failures: Int(number), now: tx.at) {
                    case .retry(let next):
                        try await tx.execute("""
                            UPDATE webhookEndpoint SET consecutiveFailures = \(number), lastError = \(error), nextAttemptAt = \(next),
                                leaseHolder = NULL, leaseUntil = NULL WHERE id = \(id)
                            """)
                    case .pause:
                        try await tx.execute("""
                            UPDATE webhookEndpoint SET consecutiveFailures = \(number), lastError = \(error), active = FALSE,
                                leaseHolder = NULL, leaseUntil = NULL WHERE id = \(id)
                            """)
                    }
                }
            } else if try await tx.value(Int64.self, "SELECT id FROM webhookEndpoint WHERE id = \(id)") == nil {
                return false
            }
            let error = attempt.error.map { String($0.prefix(500)) }
            let status = attempt.status.map(Int64.init)
            let duration = Int64(attempt.durationMilliseconds)
            try await tx.execute("""
                INSERT INTO webhookDelivery (endpointId, seq, type, attempt, status, error, durationMs, at, deliveryId)
                VALUES (\(id), \(attempt.seq), \(attempt.type), \(number), \(status), \(error), \(duration), \(tx.at), \(attempt.deliveryID))
                """)
            let keep = Int64(keep)
            try await tx.execute("""
                DELETE FROM webhookDelivery WHERE endpointId = \(id) AND id <= (
                    SELECT id FROM webhookDelivery WHERE endpointId = \(id) ORDER BY id DESC LIMIT 1 OFFSET \(keep))
                """)
            return true
        }
    }

    public func releaseWebhook(endpointID: WebhookEndpoint.ID, holder: String) async throws {
        try await write(actor: "system") { tx in
            try await tx.execute("""
                UPDATE webhookEndpoint SET leaseHolder = NULL, leaseUntil = NULL WHERE id = \(endpointID.rawValue) AND leaseHolder = \(holder)
                """)
        }
    }
}
