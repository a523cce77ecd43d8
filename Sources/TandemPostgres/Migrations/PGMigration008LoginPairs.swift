/// A login's bearer token and its browser session share a `loginId`.
enum PGMigration008LoginPairs {
    static let sql = """
        ALTER TABLE authToken ADD COLUMN loginId TEXT;
        CREATE INDEX authToken_loginId ON authToken(loginId);
        """
}
