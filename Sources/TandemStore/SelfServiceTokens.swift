import Foundation
import TandemCore

/// Makes attendees' self-service tokens. The store keeps a random nonce and the token's hash;
/// the token is re-derived from the nonce with the server's secret key whenever an e-mail needs the link.
public protocol SelfServiceTokens: Sendable {
    /// A fresh random nonce for a new registration.
    func newNonce() -> String
    /// The token for a nonce (≥ 128 bits of secret-keyed output).
    func token(nonce: String) -> String
    /// The hash under which a token is stored and looked up.
    func lookupHash(token: String) -> String
    /// The attendee's self-service page for a token.
    func url(token: String) -> String
    /// The registration's check-in code, derived from its token under a key of its own: knowing
    /// the code reveals nothing of the token.
    func checkInCode(registrationID: Int64, token: String) -> CheckInCode
}
