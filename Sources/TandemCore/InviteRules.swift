import Foundation

/// Who may be invited to the organiser team by e-mail, and for how long the link works.
public enum InviteRules {
    /// How long an invitation's link sets a password.
    public static let lifetime: TimeInterval = 72 * 3600

    public enum Decision: Hashable, Sendable {
        /// No account has the address: create one, without a password.
        case create
        /// The account was invited and has not set its password: a new link, and the old ones end.
        case reinvite
        /// Nothing is written; the reason says what to do instead.
        case refuse(String)
    }

    /// What an invitation to the address of `existing` (if an account has it) does.
    public static func decide(existing: Account?) -> Decision {
        guard let existing else { return .create }
        if existing.disabled {
            return .refuse("the account \(existing.email) is disabled; enable it (PATCH /api/v1/accounts/\(existing.id) with disabled false) before inviting it again")
        }
        if existing.passwordSet {
            return .refuse("the account \(existing.email) already has a password; an admin can set a new one with PATCH /api/v1/accounts/\(existing.id)")
        }
        return .reinvite
    }
}
