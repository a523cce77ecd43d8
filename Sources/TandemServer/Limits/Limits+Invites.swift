import Foundation

/// Invitation links are guessed like passwords: failed uses are counted per address, in the
/// database with the failed logins, and held back the same way (1 s, 2 s, 4 s… after 5 failures).
extension Limits {
    static func inviteKey(address: String) -> String { "invite:" + addressKey(address) }

    /// Throws 429 while this address waits out its back-off after links that did not work.
    func admitInviteUse(address: String) async throws {
        guard settings.enabled else { return }
        let key = Self.inviteKey(address: address)
        let failures = try await loginFailures.loginFailures(keys: [key])
        guard let failure = failures[key], let wait = loginBackoff.wait(failures: failure.count, last: failure.last, now: clock.now()) else { return }
        let seconds = Int(wait.rounded(.up))
        throw Problem.tooManyRequests(retryAfter: seconds, detail: "Too many links that did not work; wait \(seconds) s before trying again.")
    }

    func inviteUseFailed(address: String) async throws {
        guard settings.enabled else { return }
        try await loginFailures.recordLoginFailure(keys: [Self.inviteKey(address: address)], at: clock.now())
    }
}
