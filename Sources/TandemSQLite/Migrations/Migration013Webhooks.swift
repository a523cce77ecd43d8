import GRDB

/// Webhook endpoints of an event, and the log of their deliveries (the latest few hundred each).
/// The signing secret is kept sealed (AES-GCM under a key derived from the server's secret), never in clear.
/// `leaseHolder`/`leaseUntil`: the instance delivering the endpoint (as the outbox's `claimedUntil`).
enum Migration013Webhooks {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE webhookEndpoint (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                types TEXT NOT NULL,
                sealedSecret TEXT NOT NULL,
                secretHint TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                consecutiveFailures INTEGER NOT NULL,
                deliveredSeq INTEGER NOT NULL,
                nextAttemptAt DATETIME NOT NULL,
                lastError TEXT,
                leaseHolder TEXT,
                leaseUntil DATETIME,
                createdBy TEXT NOT NULL,
                createdAt DATETIME NOT NULL
            );
            CREATE INDEX webhookEndpoint_eventId ON webhookEndpoint(eventId);
            CREATE TABLE webhookDelivery (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                endpointId INTEGER NOT NULL REFERENCES webhookEndpoint(id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                type TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                status INTEGER,
                error TEXT,
                durationMs INTEGER NOT NULL,
                at DATETIME NOT NULL,
                deliveryId TEXT NOT NULL
            );
            CREATE INDEX webhookDelivery_endpointId ON webhookDelivery(endpointId, id);
            """)
    }
}
