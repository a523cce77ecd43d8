import Foundation
import Testing
import TandemCore
import TandemStore
import TandemTestSupport

@Suite("Accounts, logins and API tokens, on every store", .timeLimit(.minutes(5)))
struct AccountStoreTests {
    @Test("accounts: case-insensitive e-mail, logins, API tokens, credentials end on a password reset", arguments: StoreKind.available)
    func accounts(kind: StoreKind) async throws {
        let clock = TestClock()
        try await kind.withStore(clock: clock) { store in
            let ada = try await store.createAccount(email: "Ada@Example.org", name: "Ada", role: .organiser, passwordHash: "h1", by: "admin")
            await #expect(throws: StoreError.self) {
                try await store.createAccount(email: "ada@example.org", name: "Ada 2", role: .organiser, passwordHash: "h2", by: "admin")
            }
            #expect(try await store.credentials(email: "ADA@example.org")?.account.id == ada.id)
            #expect(try await store.accountCount() == 1)
            let (admin, created) = try await store.ensureAdmin(email: "admin@example.org", passwordHash: "a")
            #expect(created)
            #expect(try await store.ensureAdmin(email: "Admin@example.org", passwordHash: "b").created == false)
            #expect(try await store.accounts().map(\.email) == ["Ada@Example.org", "admin@example.org"])

            let later = clock.now().addingTimeInterval(3600)
            try await store.storeLogin(NewLogin(bearerHash: "b1", bearerExpiresAt: later, sessionHash: "s1", sessionExpiresAt: later), accountID: ada.id)
            #expect(try await store.account(tokenHash: "b1", kind: .bearer, at: clock.now())?.id == ada.id)
            #expect(try await store.account(tokenHash: "b1", kind: .session, at: clock.now()) == nil)
            let token = try await store.createAPIToken(accountID: ada.id, name: "ci", hash: "t1", expiresAt: later, by: "admin")
            #expect(try await store.account(apiTokenHash: "t1", at: clock.now())?.1.id == token.id)
            #expect(try await store.apiTokens(accountID: ada.id).map(\.name) == ["ci"])

            _ = try await store.updateAccount(id: ada.id, patch: AccountPatch(passwordHash: "h3"), by: "admin")
            #expect(try await store.account(tokenHash: "s1", kind: .session, at: clock.now()) == nil)
            #expect(try await store.account(apiTokenHash: "t1", at: clock.now()) == nil)
            let log = try await store.auditLog(eventSlug: nil, before: nil, limit: 10)
            #expect(log.first?.action == "account.updated")
            #expect(log.map(\.action).contains("token.created"))
            _ = admin
        }
    }
}
