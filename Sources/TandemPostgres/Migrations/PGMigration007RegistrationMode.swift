/// Registration modes (`instant`, `verified`), hold minutes, and pending holds.
enum PGMigration007RegistrationMode {
    static let sql = """
        ALTER TABLE event ADD COLUMN registrationMode TEXT NOT NULL DEFAULT 'instant';
        ALTER TABLE event ADD COLUMN holdMinutes BIGINT NOT NULL DEFAULT 30;
        ALTER TABLE registration ADD COLUMN holdExpiresAt TIMESTAMPTZ;
        ALTER TABLE registration ADD COLUMN knownAddressMailAt TIMESTAMPTZ;
        CREATE INDEX registration_pendingHold ON registration(holdExpiresAt) WHERE holdExpiresAt IS NOT NULL AND status != 'cancelled';
        """
}
