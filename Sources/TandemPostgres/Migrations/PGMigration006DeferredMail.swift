/// Outbox messages whose text is written after the registration commits, by the outbox worker.
enum PGMigration006DeferredMail {
    static let sql = """
        ALTER TABLE outbox ADD COLUMN pendingComposition BOOLEAN NOT NULL DEFAULT FALSE;
        CREATE INDEX outbox_pendingComposition ON outbox(id) WHERE pendingComposition;
        """
}
