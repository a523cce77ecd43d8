import Foundation
import Synchronization
import TandemCore
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
    public func checkInCode(registrationID: Int64, token: String) -> CheckInCode {
        CheckInCode(registrationID: registrationID, mac: Array(FNV1a.digest("check-in \(registrationID) \(token)")))
    }
}

/// A stand-in MAC for test tokens: FNV-1a spread over 8 bytes (not secret: tests only).
enum FNV1a {
    static func digest(_ text: String) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
    }
}
