import Crypto
import Foundation
import TandemCore
import TandemStore

/// Self-service tokens as HMAC-SHA256(secret key, nonce): 256 bits, unguessable without the key,
/// re-derivable for every e-mail. The database holds only the nonce and SHA-256(token).
struct SelfServiceKeyring: SelfServiceTokens {
    let key: SymmetricKey
    let publicURL: String
    let randomness: Randomness
    /// The check-in codes' own key, derived from the secret under its label.
    let checkInKey: SymmetricKey

    init(key: SymmetricKey, publicURL: String, randomness: Randomness) {
        self.key = key
        self.publicURL = publicURL
        self.randomness = randomness
        checkInKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("tandem check-in code v1".utf8), using: key))
    }

    func newNonce() -> String { AccessToken.base64URL(randomness.bytes(16)) }

    func token(nonce: String) -> String {
        AccessToken.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: key)))
    }

    func lookupHash(token: String) -> String { AccessToken.hash(token) }

    func url(token: String) -> String { publicURL + "/registrations/" + token }

    func checkInCode(registrationID: Int64, token: String) -> CheckInCode {
        CheckInCode(registrationID: registrationID,
                    mac: Array(HMAC<SHA256>.authenticationCode(for: Data("\(registrationID) \(token)".utf8), using: checkInKey)))
    }

    /// The key from `TANDEM_SECRET`, else from `path`, created there (mode 0600) on first start.
    static func loadKey(secret: String?, path: String, randomness: Randomness) throws -> SymmetricKey {
        if let secret, !secret.isEmpty { return SymmetricKey(data: SHA256.hash(data: Data(secret.utf8))) }
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 { return SymmetricKey(data: data) }
        let bytes = Data(randomness.bytes(32))
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return SymmetricKey(data: bytes)
    }
}
