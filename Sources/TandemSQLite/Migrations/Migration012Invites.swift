import GRDB

/// Invitations to the organiser team: one-time links that set an invited account's first password.
/// Only the SHA-256 of a link's token is kept. An invited account has the empty password hash
/// (`Account.unsetPasswordHash`) until its link is used.
enum Migration012Invites {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE accountInvite (
                tokenHash TEXT PRIMARY KEY NOT NULL,
                accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                createdAt DATETIME NOT NULL,
                expiresAt DATETIME NOT NULL,
                usedAt DATETIME
            ) WITHOUT ROWID;
            CREATE INDEX accountInvite_accountId ON accountInvite(accountId);
            """)
    }
}
