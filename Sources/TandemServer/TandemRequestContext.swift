import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdWebSocket
import NIOCore
import TandemCore

/// Per-request state: the authenticated organiser, if any, and the body size limit.
public struct TandemRequestContext: AuthRequestContext, RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Account?
    public var maxUploadSize: Int
    public let webSocket: WebSocketHandlerReference<Self>
    /// The connection, so a live feed can drop a client that stopped reading.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
        self.identity = nil
        self.maxUploadSize = AppConfig().maxBodyBytes
    }

    /// JSON responses: no escaped slashes (`Europe/Berlin`), keys in a stable order.
    public var responseEncoder: JSONEncoder { WireJSON.encoder }


    /// The caller's account; 401 when anonymous, 403 when it lacks `permission`.
    public func require(_ permission: Account.Permission) throws -> Account {
        guard let account = identity else { throw Problem.unauthorized() }
        guard account.may(permission) else { throw Problem.forbidden() }
        return account
    }
}
