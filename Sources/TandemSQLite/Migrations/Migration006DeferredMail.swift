import GRDB

/// Outbox messages whose text is written after the registration commits, by the outbox worker,
/// so that a rush of registrations spends its write transactions on seats, not on e-mail prose.
enum Migration006DeferredMail {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE outbox ADD COLUMN pendingComposition BOOLEAN NOT NULL DEFAULT 0;
            CREATE INDEX outbox_pendingComposition ON outbox(id) WHERE pendingComposition = 1;
            """)
    }
}
