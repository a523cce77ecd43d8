import Foundation

/// Certificate verification codes are guessed like invitation links: codes that do not verify are
/// counted per address, in the database with the failed logins, and held back the same way.
extension Limits {
    static func certificateKey(address: String) -> String { "certificate:" + addressKey(address) }

    /// Throws 429 while this address waits out its back-off after codes that did not verify.
    func admitCertificateCheck(address: String) async throws {
        guard settings.enabled else { return }
        let key = Self.certificateKey(address: address)
        let failures = try await loginFailures.loginFailures(keys: [key])
        guard let failure = failures[key], let wait = loginBackoff.wait(failures: failure.count, last: failure.last, now: clock.now()) else { return }
        let seconds = Int(wait.rounded(.up))
        throw Problem.tooManyRequests(retryAfter: seconds, detail: "Too many verification codes that did not verify; wait \(seconds) s before trying again.")
    }

    func certificateCheckFailed(address: String) async throws {
        guard settings.enabled else { return }
        try await loginFailures.recordLoginFailure(keys: [Self.certificateKey(address: address)], at: clock.now())
    }
}
