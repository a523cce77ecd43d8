import GRDB

/// What several instances on one database share (issue 16; the same schema on SQLite keeps the
/// stores alike and `tandem copy` simple): a lease on each outbox message being sent, so that one
/// instance sends it and another takes over when the lease runs out; and failed logins counted in
/// the database instead of in one process's memory.
enum Migration010Instances {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE outbox ADD COLUMN claimedUntil DATETIME;
            CREATE TABLE loginFailure (
                throttleKey TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                lastAt DATETIME NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX loginFailure_lastAt ON loginFailure(lastAt);
            """)
    }
}
