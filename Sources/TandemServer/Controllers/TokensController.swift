import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Named API tokens for scripts: created by a logged-in organiser, shown once, stored as SHA-256,
/// revocable, always with an expiry. A token acts with its account's roles.
struct TokensController {
    let accounts: any AccountStore
    let clock: any WallClock
    let randomness: Randomness

    struct TokenResponse: ResponseEncodable {
        var id: Int64
        var name: String
        var accountId: Int64
        var createdAt: String
        var expiresAt: String
        var revokedAt: String?
        /// Only in the answer to its creation; never again.
        var token: String?

        init(_ token: APIToken, secret: String? = nil) {
            id = token.id.rawValue
            name = token.name
            accountId = token.accountID.rawValue
            createdAt = RFC3339.string(from: token.createdAt, in: .gmt)
            expiresAt = RFC3339.string(from: token.expiresAt, in: .gmt)
            revokedAt = token.revokedAt.map { RFC3339.string(from: $0, in: .gmt) }
            self.token = secret
        }
    }

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/auth/tokens", use: list)
        group.post("/auth/tokens", use: create)
        group.delete("/auth/tokens/{id}", use: revoke)
    }

    /// Your own tokens; an admin sees everyone's.
    @Sendable func list(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<TokenResponse>> {
        let account = try context.signedIn()
        let tokens = try await accounts.apiTokens(accountID: account.may(.manageAccounts) ? nil : account.id)
        return EditedResponse(headers: [.cacheControl: "no-store"], response: Page(items: tokens.map { TokenResponse($0) }, next: nil))
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<TokenResponse> {
        let account = try context.signedIn()
        let body = try await request.decodeJSON(as: CreateAPITokenRequest.self, context: context)
        let name = body.name.trimmingWhitespace
        var errors: [FieldError] = []
        if name.isEmpty || name.count > 100 { errors.append(FieldError(field: "name", message: "must be 1 to 100 characters")) }
        let days = body.expiresInDays ?? 90
        if !(1...366).contains(days) { errors.append(FieldError(field: "expiresInDays", message: "must be between 1 and 366")) }
        try ValidationError.check(errors)
        let secret = "tdm_" + AccessToken.generate(using: randomness)
        let token = try await accounts.createAPIToken(accountID: account.id, name: name, hash: AccessToken.hash(secret),
                                                      expiresAt: clock.now().addingTimeInterval(TimeInterval(days) * 86_400), by: context.actor)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/auth/tokens/\(token.id)", .cacheControl: "no-store"],
                              response: TokenResponse(token, secret: secret))
    }

    /// Revokes one of your tokens (an admin: anyone's). Revoking twice is fine.
    @Sendable func revoke(_ request: Request, context: TandemRequestContext) async throws -> TokenResponse {
        let account = try context.signedIn()
        let id = APIToken.ID(try context.parameters.require("id", as: Int64.self))
        return TokenResponse(try await accounts.revokeAPIToken(id: id, ownerID: account.may(.manageAccounts) ? nil : account.id, by: context.actor))
    }
}

// The request bodies of TokensController's routes.
extension TokensController {
    /// `POST /api/v1/auth/tokens`.
    struct CreateAPITokenRequest: Decodable {
        var name: String
        /// Days until the token expires (1…366, default 90).
        var expiresInDays: Int?
    }
}
