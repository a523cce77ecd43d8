import Foundation
import Synchronization
import TandemStore

/// Readable, predictable self-service tokens for store tests (not secret: tests only).
public final class TestTokens: SelfServiceTokens {
    private let counter = Mutex(0)

    public init() {}

    public func newNonce() -> String {
        counter.withLock { value in
            value += 1
            return String(format: "nonce-%08d", value)
        }
    }

    public func token(nonce: String) -> String { "token-for-\(nonce)" }
    public func lookupHash(token: String) -> String { "hash:" + token }
    public func url(token: String) -> String { "https://tandem.test/registrations/\(token)" }
}
