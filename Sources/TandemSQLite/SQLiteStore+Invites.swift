import Foundation
import GRDB
import TandemCore
import TandemStore

/// Invitations to the organiser team: accounts without a password, and one-time links (kept as
/// SHA-256 hashes) that set it.
extension SQLiteStore: InviteStore {
    public func inviteAccount(_ invite: AccountInvite, by actor: String) async throws -> (account: Account, created: Bool) {
        try await write(actor: actor) { db, log in
            // `email` compares regardless of case (COLLATE NOCASE).
            let existing = try AccountRecord.filter(Column("email") == invite.email).fetchOne(db)
            let decision = InviteRules.decide(existing: try existing.map { try db.account($0) })
            var record: AccountRecord
            switch decision {
            case .refuse(let reason):
                throw StoreError.conflict(field: "email", message: reason)
            case .create:
                record = AccountRecord(id: nil, email: invite.email, name: invite.name, role: invite.role.rawValue,
                                       passwordHash: Account.unsetPasswordHash, disabled: false, createdAt: log.at)
                try record.insert(db)
            case .reinvite:
                record = existing!
                record.name = invite.name
                record.role = invite.role.rawValue
                try record.update(db)
                // The links sent before stop working.
                try db.execute(sql: "DELETE FROM accountInvite WHERE accountId = ?", arguments: [record.id!])
            }
            try db.execute(sql: "INSERT INTO accountInvite (tokenHash, accountId, createdAt, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [invite.tokenHash, record.id!, log.at, invite.expiresAt])
            // Composed already (the link is known only now); the body is dropped once it is sent.
            try db.execute(sql: """
                INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                    nextAttemptAt, attempts, pendingComposition)
                VALUES (NULL, ?, ?, ?, 'en', ?, ?, ?, ?, 0, 0)
                """, arguments: [AccountMailKind.invite.rawValue, record.email, record.name, invite.mail.subject, invite.mail.text, log.at, log.at])
            try log.audit(event: nil, action: decision == .create ? "account.invited" : "account.reinvited",
                          detail: ["account": record.email, "role": invite.role.rawValue])
            return (try db.account(record), decision == .create)
        }
    }

    public func invitedAccount(tokenHash: String, at instant: Date) async throws -> Account? {
        try await read { db in
            guard let record = try AccountRecord.fetchOne(db, sql: """
                SELECT account.* FROM account JOIN accountInvite ON accountInvite.accountId = account.id
                WHERE accountInvite.tokenHash = ? AND accountInvite.usedAt IS NULL AND accountInvite.expiresAt > ?
                  AND account.disabled = 0 AND account.passwordHash = ?
                """, arguments: [tokenHash, instant, Account.unsetPasswordHash])
            else { return nil }
            return try db.account(record)
        }
    }

    public func acceptInvite(tokenHash: String, passwordHash: String) async throws -> Account? {
        let accountID: Int64? = try await read { db in
            try Int64.fetchOne(db, sql: "SELECT accountId FROM accountInvite WHERE tokenHash = ?", arguments: [tokenHash])
        }
        guard let accountID else { return nil }
        let actor = try await account(id: Account.ID(accountID)).email
        // Checked again in the write: of two uses of one link at once, one sets the password.
        return try await write(actor: actor) { db, log in
            guard var record = try AccountRecord.fetchOne(db, sql: """
                SELECT account.* FROM account JOIN accountInvite ON accountInvite.accountId = account.id
                WHERE accountInvite.tokenHash = ? AND accountInvite.usedAt IS NULL AND accountInvite.expiresAt > ?
                  AND account.disabled = 0 AND account.passwordHash = ?
                """, arguments: [tokenHash, log.at, Account.unsetPasswordHash])
            else { return nil }
            record.passwordHash = passwordHash
            try record.update(db)
            try db.execute(sql: "UPDATE accountInvite SET usedAt = ? WHERE tokenHash = ?", arguments: [log.at, tokenHash])
            try db.execute(sql: "DELETE FROM accountInvite WHERE accountId = ? AND tokenHash != ?", arguments: [record.id!, tokenHash])
            try log.audit(event: nil, action: "account.password-set", detail: ["account": record.email])
            return try db.account(record)
        }
    }
}
