import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import TandemCore
import TandemStore

/// Login, logout and "who am I" for organisers.
struct AuthController {
    let accounts: any AccountStore
    let clock: any WallClock
    let randomness: Randomness
    let tokenLifetime: TimeInterval
    /// A bcrypt hash of a random secret: unknown e-mails cost as much time as known ones.
    let decoyHash: String

    struct LoginResponse: ResponseEncodable {
        var token: String
        var tokenType = "Bearer"
        var expiresAt: String
        var account: AccountResponse
    }

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/auth/login", use: login)
        group.post("/auth/logout", use: logout)
        group.get("/auth/me", use: me)
    }

    @Sendable func login(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<LoginResponse> {
        let body = try await request.decodeJSON(as: LoginRequest.self, context: context)
        let credentials = try await accounts.credentials(email: body.email.trimmingWhitespace)
        let hash = credentials?.passwordHash ?? decoyHash
        let password = body.password
        // bcrypt is slow on purpose; keep it off the event loop.
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let credentials, matches, !credentials.account.disabled else {
            throw Problem(.unauthorized, code: "invalid-credentials", title: "Login failed",
                          detail: "The e-mail or password is wrong, or the account is disabled.")
        }
        let token = AccessToken.generate(using: randomness)
        let expiresAt = clock.now().addingTimeInterval(tokenLifetime)
        try await accounts.storeToken(hash: AccessToken.hash(token), accountID: credentials.account.id, expiresAt: expiresAt)
        return EditedResponse(
            headers: [.cacheControl: "no-store"],
            response: LoginResponse(token: token, expiresAt: RFC3339.string(from: expiresAt, in: TimeZone(identifier: "UTC")!),
                                    account: AccountResponse(credentials.account)))
    }

    @Sendable func logout(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.require(.checkIn)
        if let bearer = request.headers.bearer { try await accounts.revokeToken(hash: AccessToken.hash(bearer.token)) }
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: Request, context: TandemRequestContext) async throws -> AccountResponse {
        guard let account = context.identity else { throw Problem.unauthorized() }
        return AccountResponse(account)
    }
}

struct AccountResponse: ResponseEncodable {
    var id: Int64
    var email: String
    var name: String
    var role: Account.Role
    var disabled: Bool

    init(_ account: Account) {
        id = account.id.rawValue
        email = account.email
        name = account.name
        role = account.role
        disabled = account.disabled
    }
}
