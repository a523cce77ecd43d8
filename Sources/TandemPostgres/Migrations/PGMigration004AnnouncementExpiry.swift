/// Remembers which announcements have had their `announcement.expired` change recorded.
enum PGMigration004AnnouncementExpiry {
    static let sql = """
        ALTER TABLE announcement ADD COLUMN expiryRecorded BOOLEAN NOT NULL DEFAULT FALSE;
        CREATE INDEX announcement_expiresAt_pending ON announcement(expiresAt) WHERE NOT expiryRecorded AND expiresAt IS NOT NULL;
        """
}
