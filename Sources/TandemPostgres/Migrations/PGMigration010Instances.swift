/// What several instances on one database share (issue 16): a lease on each outbox message being
/// sent, so that one instance sends it and another takes over when the lease runs out; and failed
/// logins counted in the database, so that spreading guesses over instances gains nothing.
enum PGMigration010Instances {
    static let sql = """
        ALTER TABLE outbox ADD COLUMN claimedUntil TIMESTAMPTZ;
        CREATE TABLE loginFailure (
            throttleKey TEXT PRIMARY KEY,
            failures BIGINT NOT NULL,
            lastAt TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX loginFailure_lastAt ON loginFailure(lastAt);
        """
}
