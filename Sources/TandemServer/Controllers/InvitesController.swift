import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Inviting people to the organiser team by e-mail (admins), and the one-time link's
/// `set-password` (public: the link is the credential).
struct InvitesController {
    let store: any InviteStore & AccountStore
    let clock: any WallClock
    let randomness: Randomness
    let bcryptCost: UInt8
    let limits: Limits
    /// Base of the link: `{publicURL}/admin/set-password#TOKEN`.
    let publicURL: String

    /// `invite` under the admins' group, `set-password` under the public API.
    func addRoutes(admin: RouterGroup<TandemRequestContext>, public api: RouterGroup<TandemRequestContext>) {
        admin.post("/accounts/invite", use: invite)
        api.post("/auth/set-password", use: setPassword)
    }

    /// 201 with a new account; 200 when an invited account that has not set its password is invited
    /// again (its earlier links end).
    @Sendable func invite(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<AccountResponse> {
        let admin = try context.require(.manageAccounts)
        let body = try await request.decodeJSON(as: InviteRequest.self, context: context)
        let email = body.email.trimmingWhitespace
        let name = body.name.trimmingWhitespace
        var errors: [FieldError] = []
        if !EmailAddress.isPlausible(email) { errors.append(FieldError(field: "email", message: "must be an e-mail address")) }
        if name.isEmpty { errors.append(FieldError(field: "name", message: "must not be empty")) }
        try ValidationError.check(errors)
        let token = AccessToken.generate(using: randomness)
        let expiresAt = clock.now().addingTimeInterval(InviteRules.lifetime)
        let mail = AccountInviteMail.compose(name: name, email: email, role: body.role, link: "\(publicURL)/admin/set-password#\(token)",
                                             expiresAt: expiresAt, invitedBy: admin.name)
        let (account, created) = try await store.inviteAccount(
            AccountInvite(email: email, name: name, role: body.role, tokenHash: AccessToken.hash(token), expiresAt: expiresAt, mail: mail),
            by: context.actor)
        return EditedResponse(status: created ? .created : .ok, headers: [.location: "/api/v1/accounts/\(account.id)"],
                              response: AccountResponse(account))
    }

    /// Unknown, used and expired links (and those of accounts disabled meanwhile) get one and the
    /// same answer; failures are throttled per address like failed logins.
    @Sendable func setPassword(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<AccountResponse> {
        try await limits.admitGuess(.invite, address: context.clientIP)
        let body = try await request.decodeJSON(as: SetPasswordRequest.self, context: context)
        // The password is checked first: its answer says nothing about the link.
        try ValidationError.check(PasswordPolicy.validate(body.password))
        let hash = AccessToken.hash(body.token)
        guard body.token.utf8.count <= 256, try await store.invitedAccount(tokenHash: hash, at: clock.now()) != nil else {
            try await limits.guessFailed(.invite, address: context.clientIP)
            throw Self.invalidLink
        }
        let passwordHash = try await PasswordHasher.hash(body.password, cost: bcryptCost)
        guard let account = try await store.acceptInvite(tokenHash: hash, passwordHash: passwordHash) else { throw Self.invalidLink }
        return EditedResponse(headers: [.cacheControl: "no-store"], response: AccountResponse(account))
    }

    static let invalidLink = Problem(
        .badRequest, code: "invite-link-invalid", title: "This link does not set a password",
        detail: "The link is not valid: it was used already, it expired (links work for 72 hours), or it was copied incompletely. "
            + "Ask an admin to invite you again; if you have set your password already, log in.")
}

// The request bodies of InvitesController's routes.
extension InvitesController {
    /// `POST /api/v1/accounts/invite`.
    struct InviteRequest: Decodable {
        var email: String
        var name: String
        var role: Account.Role
    }

    /// `POST /api/v1/auth/set-password`: the token from the link's fragment, and the new password.
    struct SetPasswordRequest: Decodable {
        var token: String
        var password: String
    }
}
