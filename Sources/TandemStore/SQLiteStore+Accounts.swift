import Foundation
import GRDB
import TandemCore

extension SQLiteStore: AccountStore {
    public func credentials(email: String) async throws -> AccountCredentials? {
        try await read { db in
            guard let record = try AccountRecord.filter(Column("email") == email).fetchOne(db) else { return nil }
            return AccountCredentials(account: try record.domain(), passwordHash: record.passwordHash)
        }
    }

    public func accounts() async throws -> [Account] {
        try await read { db in try AccountRecord.order(Column("email")).fetchAll(db).map { try $0.domain() } }
    }

    public func createAccount(email: String, name: String, role: Account.Role, passwordHash: String, by actor: String) async throws -> Account {
        try await write(actor: actor) { db, log in
            if try AccountRecord.filter(Column("email") == email).fetchCount(db) > 0 {
                throw StoreError.conflict(field: "email", message: "an account with this e-mail already exists")
            }
            var record = AccountRecord(id: nil, email: email, name: name, role: role.rawValue,
                                       passwordHash: passwordHash, disabled: false, createdAt: log.at)
            try record.insert(db)
            return try record.domain()
        }
    }

    public func ensureAdmin(email: String, passwordHash: String) async throws -> Account {
        try await write(actor: "system") { db, log in
            if var record = try AccountRecord.filter(Column("email") == email).fetchOne(db) {
                record.passwordHash = passwordHash
                record.role = Account.Role.admin.rawValue
                record.disabled = false
                try record.update(db)
                return try record.domain()
            }
            var record = AccountRecord(id: nil, email: email, name: "Administrator", role: Account.Role.admin.rawValue,
                                       passwordHash: passwordHash, disabled: false, createdAt: log.at)
            try record.insert(db)
            return try record.domain()
        }
    }

    public func accountCount() async throws -> Int {
        try await read { db in try AccountRecord.fetchCount(db) }
    }

    public func storeToken(hash: String, accountID: Account.ID, expiresAt: Date) async throws {
        try await write(actor: "system") { db, log in
            try AuthTokenRecord(tokenHash: hash, accountId: accountID.rawValue, createdAt: log.at, expiresAt: expiresAt).insert(db)
            // Keep the table small: drop this account's expired tokens.
            try AuthTokenRecord.filter(Column("accountId") == accountID.rawValue && Column("expiresAt") <= log.at).deleteAll(db)
        }
    }

    public func account(tokenHash: String, at instant: Date) async throws -> Account? {
        try await read { db in
            try AccountRecord.fetchOne(db, sql: """
                SELECT account.* FROM account JOIN authToken ON authToken.accountId = account.id
                WHERE authToken.tokenHash = ? AND authToken.expiresAt > ? AND account.disabled = 0
                """, arguments: [tokenHash, instant])?.domain()
        }
    }

    public func revokeToken(hash: String) async throws {
        _ = try await write(actor: "system") { db, _ in try AuthTokenRecord.deleteOne(db, key: hash) }
    }
}

extension SQLiteStore: ScheduleStore {}
