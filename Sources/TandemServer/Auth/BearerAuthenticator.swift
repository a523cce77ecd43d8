import Hummingbird
import HummingbirdAuth
import TandemCore
import TandemStore

/// Sets `context.identity` from `Authorization: Bearer <token>` when the token is valid.
/// An anonymous or invalid caller passes on without identity; protected routes then answer 401.
struct BearerAuthenticator: AuthenticatorMiddleware {
    typealias Context = TandemRequestContext

    let accounts: any AccountStore
    let clock: any WallClock

    func authenticate(request: Request, context: Context) async throws -> Account? {
        guard let bearer = request.headers.bearer, !bearer.token.isEmpty, bearer.token.utf8.count <= 256 else { return nil }
        return try await accounts.account(tokenHash: AccessToken.hash(bearer.token), at: clock.now())
    }
}
