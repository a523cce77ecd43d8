import Foundation

/// Secrets that strangers may guess like passwords (invitation links, certificate verification
/// codes): failed uses are counted per address, in the database with the failed logins, and held
/// back the same way (1 s, 2 s, 4 s… after 5 failures), so every instance sees them.
extension Limits {
    enum GuessedSecret: String {
        case invite
        case certificate

        /// The 429's sentence, with the seconds to wait.
        func tooMany(_ seconds: Int) -> String {
            switch self {
            case .invite: "Too many links that did not work; wait \(seconds) s before trying again."
            case .certificate: "Too many verification codes that did not verify; wait \(seconds) s before trying again."
            }
        }
    }

    static func guessKey(_ secret: GuessedSecret, address: String) -> String { secret.rawValue + ":" + addressKey(address) }

    /// Throws 429 while this address waits out its back-off after guesses of `secret` that failed.
    func admitGuess(_ secret: GuessedSecret, address: String) async throws {
        guard settings.enabled else { return }
        let key = Self.guessKey(secret, address: address)
        let failures = try await loginFailures.loginFailures(keys: [key])
        guard let failure = failures[key], let wait = loginBackoff.wait(failures: failure.count, last: failure.last, now: clock.now()) else { return }
        let seconds = Int(wait.rounded(.up))
        throw Problem.tooManyRequests(retryAfter: seconds, detail: secret.tooMany(seconds))
    }

    /// Counts a failed guess of `secret` from this address.
    func guessFailed(_ secret: GuessedSecret, address: String) async throws {
        guard settings.enabled else { return }
        try await loginFailures.recordLoginFailure(keys: [Self.guessKey(secret, address: address)], at: clock.now())
    }
}
