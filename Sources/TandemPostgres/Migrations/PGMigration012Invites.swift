/// Invitations to the organiser team: one-time links that set an invited account's first password.
/// Only the SHA-256 of a link's token is kept. An invited account has the empty password hash
/// (`Account.unsetPasswordHash`) until its link is used.
enum PGMigration012Invites {
    static let sql = """
        CREATE TABLE accountInvite (
            tokenHash TEXT PRIMARY KEY NOT NULL,
            accountId BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            createdAt TIMESTAMPTZ NOT NULL,
            expiresAt TIMESTAMPTZ NOT NULL,
            usedAt TIMESTAMPTZ
        );
        CREATE INDEX accountInvite_accountId ON accountInvite(accountId);
        """
}
