import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// The key from `TANDEM_SECRET`, else from `path`. A missing file is created (mode 0600) with a
    /// fresh random key, atomically: written in full to a temporary file, then linked into place,
    /// which fails if another process made one meanwhile (then that one is read). An existing file
    /// is never overwritten: every self-service link, check-in code and session hangs on it, so a
    /// short or unreadable one stops the server with a message instead.
    static func loadKey(secret: String?, path: String, randomness: Randomness) throws -> SymmetricKey {
        if let secret, !secret.isEmpty { return SymmetricKey(data: SHA256.hash(data: Data(secret.utf8))) }
        if let existing = try readKey(path) { return existing }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bytes = randomness.bytes(32)
        let temporary = path + ".new-\(AccessToken.base64URL(randomness.bytes(6)))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecretKeyError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        defer { unlink(temporary) }
        guard written == bytes.count, synced else { throw SecretKeyError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let existing = try readKey(path) else {
                throw SecretKeyError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
            }
            return existing
        }
        return SymmetricKey(data: bytes)
    }

    /// The key in `path`, `nil` when there is no such file; throws when it is there but unusable.
    static func readKey(_ path: String) throws -> SymmetricKey? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw SecretKeyError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretKeyError.unreadable(path: path, reason: "permission denied or not a file")
        }
        guard data.count >= 32 else { throw SecretKeyError.tooShort(path: path, bytes: data.count) }
        return SymmetricKey(data: data)
    }
}

/// Why the secret key file cannot be used, in words for the operator.
enum SecretKeyError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unreadable(path: String, reason: String)
    case tooShort(path: String, bytes: Int)
    case cannotCreate(path: String, reason: String)

    var description: String {
        let consequence = "Self-service links, check-in codes and browser sessions depend on this key, so Tandem does not replace it."
        switch self {
        case .unreadable(let path, let reason):
            return "The secret key \(path) cannot be read (\(reason)). Give the user running Tandem read access to it, or set TANDEM_SECRET. \(consequence)"
        case .tooShort(let path, let bytes):
            return "The secret key \(path) holds \(bytes) bytes, not at least 32: it is damaged. Restore it from a backup, or set TANDEM_SECRET. "
                + "Deleting it makes a new key, and every link already e-mailed stops working. \(consequence)"
        case .cannotCreate(let path, let reason):
            return "Tandem could not create the secret key \(path) (\(reason)). Check that its folder is writable by the user running Tandem, or set TANDEM_SECRET."
        }
    }

    var errorDescription: String? { description }
}
