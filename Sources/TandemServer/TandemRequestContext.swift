import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import TandemCore

/// Per-request state: the authenticated organiser, if any, and the body size limit.
public struct TandemRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Account?
    /// How `identity` was established; cookie sessions must also present a CSRF token for writes.
    public var credential: Credential?
    /// A session cookie came with a state-changing request but without its CSRF token.
    public var csrfRejected = false
    /// The client's IP address: the peer, or the `X-Forwarded-For` client when the peer is a trusted proxy
    /// (`unknown` when the connection has none, as in in-process tests).
    public var clientIP = "unknown"
    /// Whether the client reached us over TLS (directly, or a trusted proxy's `X-Forwarded-Proto: https`).
    public var clientUsesTLS = false
    public var maxUploadSize: Int
    /// Set by the `/live` route when it admits a WebSocket handshake.
    let liveUpgrade: LiveUpgradeSlot
    /// The connection: its peer is the client address unless a trusted proxy names another.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.liveUpgrade = LiveUpgradeSlot()
        self.channel = source.channel
        self.identity = nil
        self.maxUploadSize = AppConfig().maxBodyBytes
    }

    /// JSON responses: no escaped slashes (`Europe/Berlin`), keys in a stable order.
    public var responseEncoder: JSONEncoder { WireJSON.encoder }


    /// The caller's account; 401 when anonymous, 403 when it lacks `permission` for the event named
    /// by the route's `{slug}` (or programme-wide, on routes without one).
    public func require(_ permission: Account.Permission) throws -> Account {
        let account = try signedIn()
        guard account.may(permission, event: parameters.get("slug")) else { throw Problem.forbidden() }
        return account
    }

    /// The caller's account, whatever its role; 401 when anonymous, 403 when a session cookie came
    /// without its CSRF token.
    public func signedIn() throws -> Account {
        guard let account = identity else { throw csrfRejected ? Problem.csrfRejected() : Problem.unauthorized() }
        return account
    }

    /// Whether the caller may do `permission` for this route's event; `false` when anonymous.
    public func may(_ permission: Account.Permission) -> Bool {
        identity?.may(permission, event: parameters.get("slug")) ?? false
    }

    /// Who is acting, as recorded in the change and audit logs.
    public var actor: String {
        guard let identity else { return "anonymous" }
        if case .apiToken(let name) = credential { return "\(identity.email) (token: \(name))" }
        return identity.email
    }
}

/// How a request proved who it is.
public enum Credential: Sendable, Equatable {
    /// `Authorization: Bearer` with a token from `POST /api/v1/auth/login`.
    case loginToken
    /// `Authorization: Bearer` with a named API token.
    case apiToken(name: String)
    /// The browser session cookie.
    case session(token: String)
}
