import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// Invitations to the organiser team: SQLite's `SQLiteStore+Invites.swift`, statement for statement.
extension PostgresStore: InviteStore {
    public func inviteAccount(_ invite: AccountInvite, by actor: String) async throws -> (account: Account, created: Bool) {
        try await write(actor: actor) { tx in
            let existingRow = try await tx.query("\(unescaped: Self.acctColumns) WHERE lower(email) = lower(\(invite.email)) FOR UPDATE").first
            var existing: Account?
            if let existingRow { existing = try await Self.acctAccount(tx, existingRow).account }
            let decision = InviteRules.decide(existing: existing)
            let accountID: Account.ID
            let roleValue = invite.role.rawValue
            switch decision {
            case .refuse(let reason):
                throw StoreError.conflict(field: "email", message: reason)
            case .create:
                accountID = try await Self.acctInsert(tx, email: invite.email, name: invite.name, role: invite.role,
                                                      passwordHash: Account.unsetPasswordHash)
            case .reinvite:
                accountID = existing!.id
                try await tx.execute("UPDATE account SET name = \(invite.name), role = \(roleValue) WHERE id = \(accountID.rawValue)")
                // The links sent before stop working.
                try await tx.execute("DELETE FROM accountInvite WHERE accountId = \(accountID.rawValue)")
            }
            try await tx.execute("""
                INSERT INTO accountInvite (tokenHash, accountId, createdAt, expiresAt)
                VALUES (\(invite.tokenHash), \(accountID.rawValue), \(tx.at), \(invite.expiresAt))
                """)
            let account = try await Self.acctAccount(tx, Self.acctRow(tx, id: accountID)).account
            // Composed already (the link is known only now); the body is dropped once it is sent.
            try await tx.execute("""
                INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                    nextAttemptAt, attempts, pendingComposition)
                VALUES (NULL, \(AccountMailKind.invite.rawValue), \(account.email), \(account.name), 'en', \(invite.mail.subject),
                        \(invite.mail.text), \(tx.at), \(tx.at), 0, FALSE)
                """)
            try await tx.audit(event: nil, action: decision == .create ? "account.invited" : "account.reinvited",
                               detail: ["account": account.email, "role": roleValue])
            return (account, decision == .create)
        }
    }

    public func invitedAccount(tokenHash: String, at instant: Date) async throws -> Account? {
        try await read { tx in
            guard let row = try await tx.query("""
                \(unescaped: Self.acctColumns) WHERE id = (
                    SELECT accountId FROM accountInvite WHERE tokenHash = \(tokenHash) AND usedAt IS NULL AND expiresAt > \(instant))
                AND disabled = FALSE AND passwordHash = \(Account.unsetPasswordHash)
                """).first
            else { return nil }
            return try await Self.acctAccount(tx, row).account
        }
    }

    public func acceptInvite(tokenHash: String, passwordHash: String) async throws -> Account? {
        let email: String? = try await read { tx in
            try await tx.value(String.self, """
                SELECT account.email FROM account JOIN accountInvite ON accountInvite.accountId = account.id
                WHERE accountInvite.tokenHash = \(tokenHash)
                """)
        }
        guard let email else { return nil }
        // Checked again under the row locks: of two uses of one link at once, one sets the password.
        return try await write(actor: email) { tx in
            guard let accountID = try await tx.value(Int64.self, """
                    SELECT accountId FROM accountInvite WHERE tokenHash = \(tokenHash) AND usedAt IS NULL AND expiresAt > \(tx.at) FOR UPDATE
                    """),
                  let row = try await tx.query("""
                    \(unescaped: Self.acctColumns) WHERE id = \(accountID) AND disabled = FALSE AND passwordHash = \(Account.unsetPasswordHash) FOR UPDATE
                    """).first
            else { return nil }
            let account = try await Self.acctAccount(tx, row).account
            try await tx.execute("UPDATE account SET passwordHash = \(passwordHash) WHERE id = \(account.id.rawValue)")
            try await tx.execute("UPDATE accountInvite SET usedAt = \(tx.at) WHERE tokenHash = \(tokenHash)")
            try await tx.execute("DELETE FROM accountInvite WHERE accountId = \(account.id.rawValue) AND tokenHash != \(tokenHash)")
            try await tx.audit(event: nil, action: "account.password-set", detail: ["account": account.email])
            return try await Self.acctAccount(tx, Self.acctRow(tx, id: account.id)).account
        }
    }
}
