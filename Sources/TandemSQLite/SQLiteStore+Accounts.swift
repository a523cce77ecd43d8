import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore: AccountStore {
    public func credentials(email: String) async throws -> AccountCredentials? {
        try await read { db in
            guard let record = try AccountRecord.filter(Column("email") == email).fetchOne(db) else { return nil }
            return AccountCredentials(account: try db.account(record), passwordHash: record.passwordHash)
        }
    }

    public func accounts() async throws -> [Account] {
        try await read { db in try AccountRecord.order(Column("email")).fetchAll(db).map { try db.account($0) } }
    }

    public func account(id: Account.ID) async throws -> Account {
        try await read { db in try db.account(db.accountRecord(id: id)) }
    }

    public func createAccount(email: String, name: String, role: Account.Role, passwordHash: String, by actor: String) async throws -> Account {
        try await write(actor: actor) { db, log in
            if try AccountRecord.filter(Column("email") == email).fetchCount(db) > 0 {
                throw StoreError.conflict(field: "email", message: "an account with this e-mail already exists")
            }
            var record = AccountRecord(id: nil, email: email, name: name, role: role.rawValue,
                                       passwordHash: passwordHash, disabled: false, createdAt: log.at)
            try record.insert(db)
            try log.audit(event: nil, action: "account.created", detail: ["account": email, "role": role.rawValue])
            return try db.account(record)
        }
    }

    public func updateAccount(id: Account.ID, patch: AccountPatch, by actor: String) async throws -> Account {
        try await write(actor: actor) { db, log in
            var record = try db.accountRecord(id: id)
            var detail = ["account": record.email]
            if let name = patch.name { record.name = name; detail["name"] = name }
            if let role = patch.role { record.role = role.rawValue; detail["role"] = role.rawValue }
            if let disabled = patch.disabled { record.disabled = disabled; detail["disabled"] = String(disabled) }
            if let hash = patch.passwordHash { record.passwordHash = hash; detail["password"] = "reset" }
            try record.update(db)
            if patch.disabled == true || patch.passwordHash != nil {
                // Whoever held the old password or a session of a disabled account is out, now:
                // logins, browser sessions and the account's API tokens alike.
                try db.endCredentials(accountID: id.rawValue, at: log.at)
            }
            try log.audit(event: nil, action: "account.updated", detail: detail)
            return try db.account(record)
        }
    }

    public func setEventRole(accountID: Account.ID, eventSlug: String, role: Account.EventRole?, by actor: String) async throws -> Account {
        try await write(actor: actor) { db, log in
            let record = try db.accountRecord(id: accountID)
            let event = try db.eventRecord(slug: eventSlug)
            if let role {
                try db.execute(sql: """
                    INSERT INTO eventRole (accountId, eventId, role) VALUES (?, ?, ?)
                    ON CONFLICT (accountId, eventId) DO UPDATE SET role = excluded.role
                    """, arguments: [accountID.rawValue, event.id!, role.rawValue])
            } else {
                try db.execute(sql: "DELETE FROM eventRole WHERE accountId = ? AND eventId = ?", arguments: [accountID.rawValue, event.id!])
            }
            try log.audit(event: Event.ID(event.id!), action: role == nil ? "role.withdrawn" : "role.granted",
                          detail: ["account": record.email, "role": role?.rawValue ?? "none"])
            return try db.account(record)
        }
    }

    public func ensureAdmin(email: String, passwordHash: String) async throws -> (account: Account, created: Bool) {
        try await write(actor: "system") { db, log in
            if let record = try AccountRecord.filter(Column("email") == email).fetchOne(db) {
                return (try db.account(record), false)
            }
            return (try insertAdmin(db, log, email: email, passwordHash: passwordHash), true)
        }
    }

    public func resetAdmin(email: String, passwordHash: String) async throws -> Account {
        try await write(actor: "system") { db, log in
            guard var record = try AccountRecord.filter(Column("email") == email).fetchOne(db) else {
                return try insertAdmin(db, log, email: email, passwordHash: passwordHash)
            }
            record.passwordHash = passwordHash
            record.role = Account.Role.admin.rawValue
            record.disabled = false
            try record.update(db)
            try db.endCredentials(accountID: record.id!, at: log.at)
            try log.audit(event: nil, action: "account.updated", detail: ["account": email, "role": Account.Role.admin.rawValue,
                                                                          "password": "reset", "disabled": "false"])
            return try db.account(record)
        }
    }

    /// A new, enabled admin account, audited as created.
    private func insertAdmin(_ db: Database, _ log: ChangeLog, email: String, passwordHash: String) throws -> Account {
        var record = AccountRecord(id: nil, email: email, name: "Administrator", role: Account.Role.admin.rawValue,
                                   passwordHash: passwordHash, disabled: false, createdAt: log.at)
        try record.insert(db)
        try log.audit(event: nil, action: "account.created", detail: ["account": email, "role": Account.Role.admin.rawValue])
        return try db.account(record)
    }

    public func accountCount() async throws -> Int {
        try await read { db in try AccountRecord.fetchCount(db) }
    }

    public func storeLogin(_ login: NewLogin, accountID: Account.ID) async throws {
        try await write(actor: "system") { db, log in
            for (hash, kind, expiresAt) in [(login.bearerHash, LoginTokenKind.bearer, login.bearerExpiresAt),
                                            (login.sessionHash, LoginTokenKind.session, login.sessionExpiresAt)] {
                try db.execute(sql: "INSERT INTO authToken (tokenHash, accountId, createdAt, expiresAt, kind, loginId) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [hash, accountID.rawValue, log.at, expiresAt, kind.rawValue, login.bearerHash])
            }
            // Keep the table small: drop this account's expired tokens.
            try AuthTokenRecord.filter(Column("accountId") == accountID.rawValue && Column("expiresAt") <= log.at).deleteAll(db)
        }
    }

    public func account(tokenHash: String, kind: LoginTokenKind, at instant: Date) async throws -> Account? {
        try await read { db in
            guard let record = try AccountRecord.fetchOne(db, sql: """
                SELECT account.* FROM account JOIN authToken ON authToken.accountId = account.id
                WHERE authToken.tokenHash = ? AND authToken.kind = ? AND authToken.expiresAt > ? AND account.disabled = 0
                """, arguments: [tokenHash, kind.rawValue, instant])
            else { return nil }
            return try db.account(record)
        }
    }

    public func revokeLogin(tokenHash: String) async throws {
        try await write(actor: "system") { db, _ in
            // The bearer token and the session of one login go together (logins from before
            // migration 008 have no loginId and end alone).
            try db.execute(sql: """
                DELETE FROM authToken WHERE tokenHash = ?1
                   OR loginId = (SELECT loginId FROM authToken WHERE tokenHash = ?1 AND loginId IS NOT NULL)
                """, arguments: [tokenHash])
        }
    }

    public func createAPIToken(accountID: Account.ID, name: String, hash: String, expiresAt: Date, by actor: String) async throws -> APIToken {
        try await write(actor: actor) { db, log in
            let owner = try db.accountRecord(id: accountID)
            try db.execute(sql: "INSERT INTO apiToken (accountId, name, tokenHash, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [accountID.rawValue, name, hash, log.at, expiresAt])
            let id = db.lastInsertedRowID
            try log.audit(event: nil, action: "token.created", detail: ["account": owner.email, "token": name])
            return APIToken(id: APIToken.ID(id), accountID: accountID, name: name,
                            createdAt: log.at, expiresAt: expiresAt, revokedAt: nil)
        }
    }

    public func apiTokens(accountID: Account.ID?) async throws -> [APIToken] {
        try await read { db in
            let rows = if let accountID {
                try Row.fetchAll(db, sql: "SELECT * FROM apiToken WHERE accountId = ? ORDER BY id", arguments: [accountID.rawValue])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM apiToken ORDER BY id")
            }
            return rows.map(APIToken.init(row:))
        }
    }

    public func revokeAPIToken(id: APIToken.ID, ownerID: Account.ID?, by actor: String) async throws -> APIToken {
        try await write(actor: actor) { db, log in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM apiToken WHERE id = ?", arguments: [id.rawValue]),
                  ownerID.map({ owner in (row["accountId"] as Int64) == owner.rawValue }) ?? true
            else { throw StoreError.notFound(entity: "token", key: id.description) }
            var token = APIToken(row: row)
            if token.revokedAt == nil {
                try db.execute(sql: "UPDATE apiToken SET revokedAt = ? WHERE id = ?", arguments: [log.at, id.rawValue])
                token.revokedAt = log.at
                try log.audit(event: nil, action: "token.revoked", detail: ["token": token.name])
            }
            return token
        }
    }

    public func account(apiTokenHash: String, at instant: Date) async throws -> (Account, APIToken)? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM apiToken WHERE tokenHash = ? AND revokedAt IS NULL AND expiresAt > ?
                """, arguments: [apiTokenHash, instant])
            else { return nil }
            let token = APIToken(row: row)
            let record = try db.accountRecord(id: token.accountID)
            guard !record.disabled else { return nil }
            return (try db.account(record), token)
        }
    }
}

extension SQLiteStore: ScheduleStore {}

extension Database {
    func accountRecord(id: Account.ID) throws -> AccountRecord {
        guard let record = try AccountRecord.fetchOne(self, key: id.rawValue) else {
            throw StoreError.notFound(entity: "account", key: id.description)
        }
        return record
    }

    /// The account with its per-event roles.
    func account(_ record: AccountRecord) throws -> Account {
        var account = try record.domain()
        for row in try Row.fetchAll(self, sql: """
            SELECT event.slug, eventRole.role FROM eventRole JOIN event ON event.id = eventRole.eventId WHERE eventRole.accountId = ?
            """, arguments: [record.id!]) {
            if let role = Account.EventRole(rawValue: row[1]) { account.eventRoles[row[0]] = role }
        }
        return account
    }
}

extension APIToken {
    init(row: Row) {
        self.init(id: APIToken.ID(row["id"]), accountID: Account.ID(row["accountId"]), name: row["name"],
                  createdAt: row["createdAt"], expiresAt: row["expiresAt"], revokedAt: row["revokedAt"])
    }
}

extension Database {
    /// Ends every credential of an account: login tokens, browser sessions, API tokens (revoked,
    /// kept on record for the audit trail) and invitation links.
    func endCredentials(accountID: Int64, at instant: Date) throws {
        try AuthTokenRecord.filter(Column("accountId") == accountID).deleteAll(self)
        try execute(sql: "UPDATE apiToken SET revokedAt = ? WHERE accountId = ? AND revokedAt IS NULL", arguments: [instant, accountID])
        // An invitation's link too: it would set a password.
        try execute(sql: "DELETE FROM accountInvite WHERE accountId = ?", arguments: [accountID])
    }
}
