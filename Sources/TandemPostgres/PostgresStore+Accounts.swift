import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The accounts, their per-event roles, logins, API tokens and the audit log: SQLite's
/// `SQLiteStore+Accounts.swift`, statement for statement. E-mail addresses compare regardless of
/// case (`lower(email)`, as the unique index does), as SQLite's `COLLATE NOCASE` makes them.
extension PostgresStore: AccountStore {
    public func credentials(email: String) async throws -> AccountCredentials? {
        try await read { tx in
            guard let row = try await tx.query("\(unescaped: Self.acctColumns) WHERE lower(email) = lower(\(email))").first else { return nil }
            let (account, passwordHash) = try await Self.acctAccount(tx, row)
            return AccountCredentials(account: account, passwordHash: passwordHash)
        }
    }

    public func accounts() async throws -> [Account] {
        try await read { tx in
            var accounts: [Account] = []
            for row in try await tx.query("\(unescaped: Self.acctColumns) ORDER BY lower(email) COLLATE \"C\", id") {
                accounts.append(try await Self.acctAccount(tx, row).account)
            }
            return accounts
        }
    }

    public func account(id: Account.ID) async throws -> Account {
        try await read { tx in try await Self.acctAccount(tx, Self.acctRow(tx, id: id)).account }
    }

    public func createAccount(email: String, name: String, role: Account.Role, passwordHash: String, by actor: String) async throws -> Account {
        try await write(actor: actor) { tx in
            if try await tx.value(Int64.self, "SELECT id FROM account WHERE lower(email) = lower(\(email))") != nil {
                throw Self.acctEmailTaken
            }
            let id = try await Self.acctInsert(tx, email: email, name: name, role: role, passwordHash: passwordHash)
            try await tx.audit(event: nil, action: "account.created", detail: ["account": email, "role": role.rawValue])
            return try await Self.acctAccount(tx, Self.acctRow(tx, id: id)).account
        }
    }

    public func updateAccount(id: Account.ID, patch: AccountPatch, by actor: String) async throws -> Account {
        try await write(actor: actor) { tx in
            let (current, currentHash) = try await Self.acctAccount(tx, Self.acctRow(tx, id: id, forUpdate: true))
            var detail = ["account": current.email]
            var name = current.name, role = current.role, disabled = current.disabled, passwordHash = currentHash
            if let new = patch.name { name = new; detail["name"] = new }
            if let new = patch.role { role = new; detail["role"] = new.rawValue }
            if let new = patch.disabled { disabled = new; detail["disabled"] = String(new) }
            if let new = patch.passwordHash { passwordHash = new; detail["password"] = "reset" }
            let roleValue = role.rawValue
            try await tx.execute("""
                UPDATE account SET name = \(name), role = \(roleValue), disabled = \(disabled), passwordHash = \(passwordHash)
                WHERE id = \(id.rawValue)
                """)
            if patch.disabled == true || patch.passwordHash != nil {
                // Whoever held the old password or a session of a disabled account is out, now:
                // logins, browser sessions and the account's API tokens alike.
                try await Self.acctEndCredentials(tx, accountID: id.rawValue)
            }
            try await tx.audit(event: nil, action: "account.updated", detail: detail)
            return try await Self.acctAccount(tx, Self.acctRow(tx, id: id)).account
        }
    }

    public func setEventRole(accountID: Account.ID, eventSlug: String, role: Account.EventRole?, by actor: String) async throws -> Account {
        try await write(actor: actor) { tx in
            let row = try await Self.acctRow(tx, id: accountID)
            guard let eventID = try await tx.value(Int64.self, "SELECT id FROM event WHERE slug = \(eventSlug)") else {
                throw StoreError.notFound(entity: "event", key: eventSlug)
            }
            if let role {
                let roleValue = role.rawValue
                try await tx.execute("""
                    INSERT INTO eventRole (accountId, eventId, role) VALUES (\(accountID.rawValue), \(eventID), \(roleValue))
                    ON CONFLICT (accountId, eventId) DO UPDATE SET role = excluded.role
                    """)
            } else {
                try await tx.execute("DELETE FROM eventRole WHERE accountId = \(accountID.rawValue) AND eventId = \(eventID)")
            }
            let account = try await Self.acctAccount(tx, row).account
            try await tx.audit(event: Event.ID(eventID), action: role == nil ? "role.withdrawn" : "role.granted",
                               detail: ["account": account.email, "role": role?.rawValue ?? "none"])
            return account
        }
    }

    public func ensureAdmin(email: String, passwordHash: String) async throws -> (account: Account, created: Bool) {
        try await write(actor: "system") { tx in
            if let row = try await tx.query("\(unescaped: Self.acctColumns) WHERE lower(email) = lower(\(email))").first {
                return (try await Self.acctAccount(tx, row).account, false)
            }
            return (try await Self.acctInsertAdmin(tx, email: email, passwordHash: passwordHash), true)
        }
    }

    public func resetAdmin(email: String, passwordHash: String) async throws -> Account {
        try await write(actor: "system") { tx in
            guard let id = try await tx.value(Int64.self, "SELECT id FROM account WHERE lower(email) = lower(\(email)) FOR UPDATE") else {
                return try await Self.acctInsertAdmin(tx, email: email, passwordHash: passwordHash)
            }
            let admin = Account.Role.admin.rawValue
            try await tx.execute("""
                UPDATE account SET passwordHash = \(passwordHash), role = \(admin), disabled = FALSE WHERE id = \(id)
                """)
            try await Self.acctEndCredentials(tx, accountID: id)
            try await tx.audit(event: nil, action: "account.updated", detail: ["account": email, "role": admin,
                                                                               "password": "reset", "disabled": "false"])
            return try await Self.acctAccount(tx, Self.acctRow(tx, id: Account.ID(id))).account
        }
    }

    public func accountCount() async throws -> Int {
        try await read { tx in try await tx.value(Int.self, "SELECT count(*)::bigint FROM account") ?? 0 }
    }

    public func storeLogin(_ login: NewLogin, accountID: Account.ID) async throws {
        try await write(actor: "system") { tx in
            let at = tx.at
            for (hash, kind, expiresAt) in [(login.bearerHash, LoginTokenKind.bearer, login.bearerExpiresAt),
                                            (login.sessionHash, LoginTokenKind.session, login.sessionExpiresAt)] {
                let kindValue = kind.rawValue
                try await tx.execute("""
                    INSERT INTO authToken (tokenHash, accountId, createdAt, expiresAt, kind, loginId)
                    VALUES (\(hash), \(accountID.rawValue), \(at), \(expiresAt), \(kindValue), \(login.bearerHash))
                    """)
            }
            // Keep the table small: drop this account's expired tokens.
            try await tx.execute("DELETE FROM authToken WHERE accountId = \(accountID.rawValue) AND expiresAt <= \(at)")
        }
    }

    public func account(tokenHash: String, kind: LoginTokenKind, at instant: Date) async throws -> Account? {
        try await read { tx in
            let kindValue = kind.rawValue
            guard let row = try await tx.query("""
                \(unescaped: Self.acctColumns) WHERE id = (
                    SELECT authToken.accountId FROM authToken
                    WHERE authToken.tokenHash = \(tokenHash) AND authToken.kind = \(kindValue) AND authToken.expiresAt > \(instant))
                AND disabled = FALSE
                """).first
            else { return nil }
            return try await Self.acctAccount(tx, row).account
        }
    }

    public func revokeLogin(tokenHash: String) async throws {
        try await write(actor: "system") { tx in
            // The bearer token and the session of one login go together (logins from before
            // migration 008 have no loginId and end alone).
            try await tx.execute("""
                DELETE FROM authToken WHERE tokenHash = \(tokenHash)
                   OR loginId = (SELECT loginId FROM authToken WHERE tokenHash = \(tokenHash) AND loginId IS NOT NULL)
                """)
        }
    }

    public func createAPIToken(accountID: Account.ID, name: String, hash: String, expiresAt: Date, by actor: String) async throws -> APIToken {
        try await write(actor: actor) { tx in
            let owner = try await Self.acctAccount(tx, Self.acctRow(tx, id: accountID)).account
            let at = tx.at
            guard let id = try await tx.value(Int64.self, """
                INSERT INTO apiToken (accountId, name, tokenHash, createdAt, expiresAt)
                VALUES (\(accountID.rawValue), \(name), \(hash), \(at), \(expiresAt)) RETURNING id
                """)
            else { throw StoreNotConfigured(what: "an id for the new API token") }
            try await tx.audit(event: nil, action: "token.created", detail: ["account": owner.email, "token": name])
            return APIToken(id: APIToken.ID(id), accountID: accountID, name: name, createdAt: at, expiresAt: expiresAt, revokedAt: nil)
        }
    }

    public func apiTokens(accountID: Account.ID?) async throws -> [APIToken] {
        try await read { tx in
            let rows = if let accountID {
                try await tx.query("\(unescaped: Self.acctTokenColumns) WHERE accountId = \(accountID.rawValue) ORDER BY id")
            } else {
                try await tx.query("\(unescaped: Self.acctTokenColumns) ORDER BY id")
            }
            return try rows.map(Self.acctToken)
        }
    }

    public func revokeAPIToken(id: APIToken.ID, ownerID: Account.ID?, by actor: String) async throws -> APIToken {
        try await write(actor: actor) { tx in
            guard let row = try await tx.query("\(unescaped: Self.acctTokenColumns) WHERE id = \(id.rawValue) FOR UPDATE").first else {
                throw StoreError.notFound(entity: "token", key: id.description)
            }
            var token = try Self.acctToken(row)
            if let ownerID, token.accountID != ownerID { throw StoreError.notFound(entity: "token", key: id.description) }
            if token.revokedAt == nil {
                let at = tx.at
                try await tx.execute("UPDATE apiToken SET revokedAt = \(at) WHERE id = \(id.rawValue)")
                token.revokedAt = at
                try await tx.audit(event: nil, action: "token.revoked", detail: ["token": token.name])
            }
            return token
        }
    }

    public func account(apiTokenHash: String, at instant: Date) async throws -> (Account, APIToken)? {
        try await read { tx in
            guard let row = try await tx.query("""
                \(unescaped: Self.acctTokenColumns) WHERE tokenHash = \(apiTokenHash) AND revokedAt IS NULL AND expiresAt > \(instant)
                """).first
            else { return nil }
            let token = try Self.acctToken(row)
            let account = try await Self.acctAccount(tx, Self.acctRow(tx, id: token.accountID)).account
            guard !account.disabled else { return nil }
            return (account, token)
        }
    }
}

// MARK: Loaders (private to the accounts)

extension PostgresStore {
    static let acctColumns = "SELECT id, email, name, role, passwordHash, disabled FROM account"
    static let acctTokenColumns = "SELECT id, accountId, name, createdAt, expiresAt, revokedAt FROM apiToken"
    static let acctEmailTaken = StoreError.conflict(field: "email", message: "an account with this e-mail already exists")

    /// The account's row (`acctColumns`), or `notFound`.
    static func acctRow(_ tx: PGTransaction, id: Account.ID, forUpdate: Bool = false) async throws -> PostgresRow {
        guard let row = try await tx.query("\(unescaped: acctColumns) WHERE id = \(id.rawValue)\(unescaped: forUpdate ? " FOR UPDATE" : "")").first else {
            throw StoreError.notFound(entity: "account", key: id.description)
        }
        return row
    }

    /// The account of an `acctColumns` row with its per-event roles, and its password hash.
    static func acctAccount(_ tx: PGTransaction, _ row: PostgresRow) async throws -> (account: Account, passwordHash: String) {
        let (id, email, name, roleValue, passwordHash, disabled) = try row.decode((Int64, String, String, String, String, Bool).self)
        guard let role = Account.Role(rawValue: roleValue) else { throw AcctCorruptRow(id: id) }
        var account = Account(id: Account.ID(id), email: email, name: name, role: role, disabled: disabled,
                              passwordSet: passwordHash != Account.unsetPasswordHash)
        for roleRow in try await tx.query("""
            SELECT event.slug, eventRole.role FROM eventRole JOIN event ON event.id = eventRole.eventId WHERE eventRole.accountId = \(id)
            """) {
            let (slug, eventRole) = try roleRow.decode((String, String).self)
            if let eventRole = Account.EventRole(rawValue: eventRole) { account.eventRoles[slug] = eventRole }
        }
        return (account, passwordHash)
    }

    static func acctToken(_ row: PostgresRow) throws -> APIToken {
        let (id, accountID, name, createdAt, expiresAt, revokedAt) = try row.decode((Int64, Int64, String, Date, Date, Date?).self)
        return APIToken(id: APIToken.ID(id), accountID: Account.ID(accountID), name: name,
                        createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt)
    }

    /// Inserts an account; another transaction's insert of the same address in the meantime is the
    /// same conflict as the check before it.
    static func acctInsert(_ tx: PGTransaction, email: String, name: String, role: Account.Role, passwordHash: String) async throws -> Account.ID {
        let roleValue = role.rawValue
        let at = tx.at
        guard let id = try await tx.value(Int64.self, """
            INSERT INTO account (email, name, role, passwordHash, disabled, createdAt)
            VALUES (\(email), \(name), \(roleValue), \(passwordHash), FALSE, \(at))
            ON CONFLICT DO NOTHING RETURNING id
            """)
        else { throw acctEmailTaken }
        return Account.ID(id)
    }

    /// A new, enabled admin account, audited as created.
    static func acctInsertAdmin(_ tx: PGTransaction, email: String, passwordHash: String) async throws -> Account {
        let id = try await acctInsert(tx, email: email, name: "Administrator", role: .admin, passwordHash: passwordHash)
        try await tx.audit(event: nil, action: "account.created", detail: ["account": email, "role": Account.Role.admin.rawValue])
        return try await acctAccount(tx, acctRow(tx, id: id)).account
    }

    /// Ends every credential of an account: login tokens, browser sessions, API tokens (revoked,
    /// kept on record for the audit trail) and invitation links.
    static func acctEndCredentials(_ tx: PGTransaction, accountID: Int64) async throws {
        let at = tx.at
        try await tx.execute("DELETE FROM authToken WHERE accountId = \(accountID)")
        try await tx.execute("UPDATE apiToken SET revokedAt = \(at) WHERE accountId = \(accountID) AND revokedAt IS NULL")
        // An invitation's link too: it would set a password.
        try await tx.execute("DELETE FROM accountInvite WHERE accountId = \(accountID)")
    }
}

/// An account row whose role Tandem does not know.
struct AcctCorruptRow: Error, CustomStringConvertible {
    var id: Int64
    var description: String { "corrupt row in account (id \(id))" }
}
