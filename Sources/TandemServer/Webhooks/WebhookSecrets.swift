import Crypto
import Foundation

/// Seals webhook signing secrets for the database and opens them for signing: AES-GCM under a key
/// derived (HKDF-SHA256) from the server's secret, so a copy of the database alone does not give
/// them away. A signing secret must be usable for HMAC, so it cannot be hashed like a password.
struct WebhookSecrets: Sendable {
    private let key: SymmetricKey

    init(serverKey: SymmetricKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: serverKey, info: Data("tandem webhook signing secrets v1".utf8), outputByteCount: 32)
    }

    func seal(_ secret: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else { throw WebhookSecretUnreadable() }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw WebhookSecretUnreadable() }
        do {
            return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
        } catch {
            throw WebhookSecretUnreadable()
        }
    }

    /// What is shown of a secret after it was created: its last four characters.
    static func hint(_ secret: String) -> String { "…" + String(secret.suffix(4)) }

    /// `Tandem-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">`, as Stripe signs.
    static func signature(secret: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + code.map { String(format: "%02x", $0) }.joined()
    }
}

/// A sealed secret that does not open: the server's secret changed since the endpoint was made.
struct WebhookSecretUnreadable: Error, CustomStringConvertible {
    var description: String {
        "the endpoint's signing secret cannot be read with this server's secret (TANDEM_SECRET or secret.key changed); delete the endpoint and add it again"
    }
}
