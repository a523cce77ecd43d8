import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import TandemCore
import TandemStore

/// Login, logout and "who am I" for organisers, by bearer token (scripts) or session cookie (browsers).
struct AuthController {
    let accounts: any AccountStore
    let clock: any WallClock
    let randomness: Randomness
    let tokenLifetime: TimeInterval
    let sessionLifetime: TimeInterval
    let secureCookies: Bool
    let csrf: CSRFTokens
    let limits: Limits
    /// A bcrypt hash of a random secret: unknown e-mails cost as much time as known ones.
    let decoyHash: String

    struct LoginResponse: ResponseEncodable {
        var token: String
        var tokenType = "Bearer"
        var expiresAt: String
        /// Echo this in `X-CSRF-Token` for changes made with the session cookie (also in the `tandem_csrf` cookie).
        var csrfToken: String
        var account: AccountResponse
    }

    /// The account's own fields, and how this request was authenticated.
    struct MeResponse: ResponseEncodable {
        var account: AccountResponse
        /// `bearer`, `api-token` or `session`.
        var authenticatedBy: String
        /// The session's CSRF token, when authenticated by the session cookie.
        var csrfToken: String?

        func encode(to encoder: any Encoder) throws {
            try account.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(authenticatedBy, forKey: .authenticatedBy)
            try container.encodeIfPresent(csrfToken, forKey: .csrfToken)
        }

        enum Keys: String, CodingKey { case authenticatedBy, csrfToken }
    }

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/auth/login", use: login)
        group.post("/auth/logout", use: logout)
        group.get("/auth/me", use: me)
    }

    @Sendable func login(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: LoginRequest.self, context: context)
        let email = body.email.trimmingWhitespace
        try await limits.admitLogin(email: email, address: context.clientIP)
        let credentials = try await accounts.credentials(email: email)
        // An invited account without a password yet is checked against the decoy: it costs the same time and never matches.
        let hash = credentials.flatMap { $0.account.passwordSet ? $0.passwordHash : nil } ?? decoyHash
        let password = body.password
        // bcrypt stops at a NUL byte: "secret\0anything" would match "secret". No stored password
        // contains one (the policy refuses it), so such a guess is simply wrong.
        let plausible = !password.utf8.contains(0) && password.utf8.count <= PasswordPolicy.maximumBytes
        // bcrypt is slow on purpose; keep it off the event loop.
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) } && plausible
        guard let credentials, matches, credentials.account.passwordSet, !credentials.account.disabled else {
            try await limits.loginFailed(email: email, address: context.clientIP)
            throw Problem(.unauthorized, code: "invalid-credentials", title: "Login failed",
                          detail: "The e-mail or password is wrong, or the account is disabled.")
        }
        try await limits.loginSucceeded(email: email, address: context.clientIP)
        // A fresh bearer token and a fresh session id on every login; a session the browser had is ended.
        if let old = request.cookies[SessionCookies.session]?.value, old.utf8.count <= 256 { try await accounts.revokeLogin(tokenHash: AccessToken.hash(old)) }
        let token = AccessToken.generate(using: randomness)
        let session = AccessToken.generate(using: randomness)
        let now = clock.now()
        try await accounts.storeLogin(NewLogin(bearerHash: AccessToken.hash(token), bearerExpiresAt: now.addingTimeInterval(tokenLifetime),
                                               sessionHash: AccessToken.hash(session), sessionExpiresAt: now.addingTimeInterval(sessionLifetime)),
                                      accountID: credentials.account.id)
        let csrfToken = csrf.token(session: session)
        var response = try LoginResponse(
            token: token, expiresAt: RFC3339.string(from: now.addingTimeInterval(tokenLifetime), in: .gmt),
            csrfToken: csrfToken, account: AccountResponse(credentials.account)
        ).response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        setSessionCookies(&response, session: session, csrfToken: csrfToken, maxAge: Int(sessionLifetime), context: context)
        return response
    }

    /// Ends the login the request came with (its bearer token and its browser session together),
    /// and clears the cookies.
    @Sendable func logout(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.signedIn()
        switch context.credential {
        case .session(let session): try await accounts.revokeLogin(tokenHash: AccessToken.hash(session))
        case .loginToken: if let bearer = request.headers.bearer { try await accounts.revokeLogin(tokenHash: AccessToken.hash(bearer.token)) }
        case .apiToken, nil: break // API tokens are revoked by DELETE /api/v1/auth/tokens/{id}
        }
        var response = Response(status: .noContent)
        setSessionCookies(&response, session: "", csrfToken: "", maxAge: 0, context: context)
        return response
    }

    /// The session cookie (HttpOnly) and its CSRF cookie (readable by the page), SameSite=Lax, Secure
    /// on https; `maxAge: 0` clears them.
    private func setSessionCookies(_ response: inout Response, session: String, csrfToken: String, maxAge: Int, context: TandemRequestContext) {
        let secure = secureCookies || context.clientUsesTLS
        response.setCookie(Cookie(name: SessionCookies.session, value: session, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(name: SessionCookies.csrf, value: csrfToken, maxAge: maxAge, path: "/", secure: secure, httpOnly: false, sameSite: .lax))
    }

    @Sendable func me(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<MeResponse> {
        let account = try context.signedIn()
        let (method, csrfToken): (String, String?) = switch context.credential {
        case .session(let session): ("session", csrf.token(session: session))
        case .apiToken: ("api-token", nil)
        case .loginToken, nil: ("bearer", nil)
        }
        return EditedResponse(headers: [.cacheControl: "no-store"],
                              response: MeResponse(account: AccountResponse(account), authenticatedBy: method, csrfToken: csrfToken))
    }
}

struct AccountResponse: ResponseEncodable {
    var id: Int64
    var email: String
    var name: String
    var role: Account.Role
    var disabled: Bool
    /// `false` while an invited account has not set its password (it cannot log in yet).
    var passwordSet: Bool
    /// Per-event roles: `[{event, role}]`, sorted by event.
    var events: [EventRoleResponse]

    struct EventRoleResponse: Encodable, Sendable {
        var event: String
        var role: Account.EventRole
    }

    init(_ account: Account) {
        id = account.id.rawValue
        email = account.email
        name = account.name
        role = account.role
        disabled = account.disabled
        passwordSet = account.passwordSet
        events = account.eventRoles.sorted { $0.key < $1.key }.map { EventRoleResponse(event: $0.key, role: $0.value) }
    }
}

// The request bodies of AuthController's routes.
extension AuthController {
    /// `POST /api/v1/auth/login`.
    struct LoginRequest: Decodable {
        var email: String
        var password: String
    }
}
