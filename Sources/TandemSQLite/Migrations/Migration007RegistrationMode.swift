import GRDB

/// Registration modes: `instant` (confirmed at once) or `verified` (double opt-in, the place held as
/// pending until the e-mailed link confirms it). Events that exist keep `instant`, so nothing already
/// running changes; new events are `verified` unless created otherwise.
enum Migration007RegistrationMode {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE event ADD COLUMN registrationMode TEXT NOT NULL DEFAULT 'instant';
            ALTER TABLE event ADD COLUMN holdMinutes INTEGER NOT NULL DEFAULT 30;
            -- Until the attendee confirms: when the held place is released. NULL once confirmed.
            ALTER TABLE registration ADD COLUMN holdExpiresAt DATETIME;
            -- When this address was last told "you are already registered" (at most hourly).
            ALTER TABLE registration ADD COLUMN knownAddressMailAt DATETIME;
            CREATE INDEX registration_pendingHold ON registration(holdExpiresAt) WHERE holdExpiresAt IS NOT NULL AND status != 'cancelled';
            """)
    }
}
