import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of `account`.
struct AccountRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "account"

    var id: Int64?
    var email: String
    var name: String
    var role: String
    var passwordHash: String
    var disabled: Bool
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func domain() throws -> Account {
        guard let id, let role = Account.Role(rawValue: role) else { throw CorruptRow(table: Self.databaseTableName, id: id) }
        return Account(id: Account.ID(id), email: email, name: name, role: role, disabled: disabled,
                       passwordSet: passwordHash != Account.unsetPasswordHash)
    }
}

/// A row of `authToken`: the SHA-256 of a bearer token, never the token.
struct AuthTokenRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "authToken"

    var tokenHash: String
    var accountId: Int64
    var createdAt: Date
    var expiresAt: Date
}
