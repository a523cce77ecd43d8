import Foundation
import TandemCore

/// An invitation to the organiser team, ready to write: the account, the hash of its one-time link
/// (the link itself is never stored) and the e-mail that carries the link.
public struct AccountInvite: Sendable {
    public var email: String
    public var name: String
    public var role: Account.Role
    /// SHA-256 of the link's token.
    public var tokenHash: String
    public var expiresAt: Date
    public var mail: AccountInviteMail

    public init(email: String, name: String, role: Account.Role, tokenHash: String, expiresAt: Date, mail: AccountInviteMail) {
        self.email = email
        self.name = name
        self.role = role
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.mail = mail
    }
}

/// Invitations by e-mail: an account without a password and a one-time link that sets it.
public protocol InviteStore: Sendable {
    /// Creates the account without a password, or re-invites an invited account that has not set one
    /// (its name and role become the invitation's; its earlier links end), as `InviteRules` decide;
    /// the e-mail is queued in the same transaction. `created` is false for a re-invitation.
    /// A refused invitation is a `StoreError.conflict` on `email` and writes nothing.
    func inviteAccount(_ invite: AccountInvite, by actor: String) async throws -> (account: Account, created: Bool)
    /// The account an unused link that is still valid at `instant` belongs to; `nil` for any other link.
    func invitedAccount(tokenHash: String, at instant: Date) async throws -> Account?
    /// Sets the password of the account whose link this is, uses the link up and ends the account's
    /// other links, in one transaction. `nil` (nothing written) when the link is unknown, used or
    /// expired, or its account is disabled or has a password already.
    func acceptInvite(tokenHash: String, passwordHash: String) async throws -> Account?
}
