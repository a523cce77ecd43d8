import Foundation
import TandemCore
import TandemStore

// Placeholder until the PostgreSQL accounts land: every call says so.
extension PostgresStore: AccountStore {
    public func credentials(email: String) async throws -> AccountCredentials? { throw PostgresNotYet(operation: #function) }
    public func accounts() async throws -> [Account] { throw PostgresNotYet(operation: #function) }
    public func account(id: Account.ID) async throws -> Account { throw PostgresNotYet(operation: #function) }
    public func createAccount(email: String, name: String, role: Account.Role, passwordHash: String, by actor: String) async throws -> Account { throw PostgresNotYet(operation: #function) }
    public func updateAccount(id: Account.ID, patch: AccountPatch, by actor: String) async throws -> Account { throw PostgresNotYet(operation: #function) }
    public func setEventRole(accountID: Account.ID, eventSlug: String, role: Account.EventRole?, by actor: String) async throws -> Account { throw PostgresNotYet(operation: #function) }
    public func ensureAdmin(email: String, passwordHash: String) async throws -> (account: Account, created: Bool) { throw PostgresNotYet(operation: #function) }
    public func resetAdmin(email: String, passwordHash: String) async throws -> Account { throw PostgresNotYet(operation: #function) }
    public func accountCount() async throws -> Int { throw PostgresNotYet(operation: #function) }
    public func storeLogin(_ login: NewLogin, accountID: Account.ID) async throws { throw PostgresNotYet(operation: #function) }
    public func account(tokenHash: String, kind: LoginTokenKind, at instant: Date) async throws -> Account? { throw PostgresNotYet(operation: #function) }
    public func revokeLogin(tokenHash: String) async throws { throw PostgresNotYet(operation: #function) }
    public func createAPIToken(accountID: Account.ID, name: String, hash: String, expiresAt: Date, by actor: String) async throws -> APIToken { throw PostgresNotYet(operation: #function) }
    public func apiTokens(accountID: Account.ID?) async throws -> [APIToken] { throw PostgresNotYet(operation: #function) }
    public func revokeAPIToken(id: APIToken.ID, ownerID: Account.ID?, by actor: String) async throws -> APIToken { throw PostgresNotYet(operation: #function) }
    public func account(apiTokenHash: String, at instant: Date) async throws -> (Account, APIToken)? { throw PostgresNotYet(operation: #function) }
    public func auditLog(eventSlug: String?, before: Int64?, limit: Int) async throws -> [AuditEntry] { throw PostgresNotYet(operation: #function) }
}
