import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TandemCore
import TandemStore

/// Establishes who is calling, from `Authorization: Bearer` (a login token or a named API token) or
/// from the browser session cookie. Anonymous or invalid callers pass on without identity; protected
/// routes then answer 401.
///
/// Cookies are sent by the browser on its own, so a state-changing request authenticated by the
/// session cookie must also carry the session's CSRF token in `X-CSRF-Token` (bearer requests need
/// not: no browser adds that header by itself). Without it the request goes on anonymously and a
/// protected route answers 403 `csrf-token-invalid`; public routes still work.
struct CredentialAuthenticator: RouterMiddleware {
    typealias Context = TandemRequestContext

    let accounts: any AccountStore
    let clock: any WallClock
    let csrf: CSRFTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let bearer = request.headers.bearer {
            guard !bearer.token.isEmpty, bearer.token.utf8.count <= 256 else { return try await next(request, context) }
            let hash = AccessToken.hash(bearer.token)
            let now = clock.now()
            if let account = try await accounts.account(tokenHash: hash, kind: .bearer, at: now) {
                context.identity = account
                context.credential = .loginToken
            } else if let (account, token) = try await accounts.account(apiTokenHash: hash, at: now) {
                context.identity = account
                context.credential = .apiToken(name: token.name)
            }
        } else if let session = request.cookies[SessionCookies.session]?.value, !session.isEmpty, session.utf8.count <= 256,
                  let account = try await accounts.account(tokenHash: AccessToken.hash(session), kind: .session, at: clock.now()) {
            if Self.isSafe(request.method) || csrf.isValid(request.headers[SessionCookies.csrfHeader], session: session) {
                context.identity = account
                context.credential = .session(token: session)
            } else {
                context.csrfRejected = true
            }
        }
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }
}

/// Names of the session cookies and the CSRF header.
enum SessionCookies {
    /// The session: HttpOnly, never visible to scripts.
    static let session = "tandem_session"
    /// The session's CSRF token: readable by the page's scripts, which echo it in `X-CSRF-Token`.
    static let csrf = "tandem_csrf"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
}

/// CSRF tokens bound to a session: HMAC-SHA256 of the session token under a server key, so nothing
/// is stored and a token from one session is worthless in another.
struct CSRFTokens: Sendable {
    let key: SymmetricKey

    /// A key for CSRF tokens derived from the server's secret (never the secret itself).
    init(secret: SymmetricKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("tandem csrf v1".utf8), outputByteCount: 32)
    }

    func token(session: String) -> String {
        AccessToken.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Data(session.utf8), using: key)))
    }

    func isValid(_ presented: String?, session: String) -> Bool {
        guard let presented, presented.utf8.count < 100, let decoded = AccessToken.decodeBase64URL(presented) else { return false }
        // Compared in constant time by swift-crypto.
        return HMAC<SHA256>.isValidAuthenticationCode(decoded, authenticating: Data(session.utf8), using: key)
    }
}
