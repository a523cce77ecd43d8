import GRDB

/// Organiser accounts (bcrypt hashes) and bearer tokens (SHA-256 hashes, never the token).
enum Migration002Accounts {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE account (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                passwordHash TEXT NOT NULL,
                disabled BOOLEAN NOT NULL DEFAULT 0,
                createdAt DATETIME NOT NULL
            );

            CREATE TABLE authToken (
                tokenHash TEXT PRIMARY KEY NOT NULL,
                accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                createdAt DATETIME NOT NULL,
                expiresAt DATETIME NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX authToken_accountId ON authToken(accountId);
            """)
    }
}
