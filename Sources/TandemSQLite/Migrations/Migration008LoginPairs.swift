import GRDB

/// A login's bearer token and its browser session share a `loginId`, so that logging out with
/// either ends both.
enum Migration008LoginPairs {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE authToken ADD COLUMN loginId TEXT;
            CREATE INDEX authToken_loginId ON authToken(loginId);
            """)
    }
}
