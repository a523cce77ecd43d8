import Crypto
import Foundation
import TandemCore

/// Signs and checks certificates' verification codes: HMAC-SHA256 of the registration's number
/// under a key derived from the server's secret (the same on every instance), so a code cannot be
/// guessed or forged, and it reveals nothing of the attendee's private link.
struct CertificateSigner: Sendable {
    private let key: SymmetricKey

    /// `secret`: the server's secret key (`TANDEM_SECRET` / `secret.key`); the codes get a key of their own from it.
    init(secret: SymmetricKey) {
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("tandem certificate of attendance v1".utf8), using: secret))
    }

    func code(for registrationID: Registration.ID) -> CertificateCode {
        CertificateCode(registrationID: registrationID.rawValue,
                        mac: Array(HMAC<SHA256>.authenticationCode(for: Data("\(registrationID.rawValue)".utf8), using: key)))
    }

    /// Whether `code` is one this server signed (whatever the registration's state now).
    func isSigned(_ code: CertificateCode) -> Bool {
        self.code(for: Registration.ID(code.registrationID)).matches(code)
    }
}
