import GRDB

/// Remembers which announcements have had their `announcement.expired` change recorded, so an
/// expiry by the clock is announced exactly once.
enum Migration004AnnouncementExpiry {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE announcement ADD COLUMN expiryRecorded BOOLEAN NOT NULL DEFAULT 0;
            CREATE INDEX announcement_expiresAt_pending ON announcement(expiresAt) WHERE expiryRecorded = 0 AND expiresAt IS NOT NULL;
            """)
    }
}
