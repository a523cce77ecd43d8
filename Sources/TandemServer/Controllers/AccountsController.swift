import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import TandemCore
import TandemStore

/// Admin-only account management: list, create, edit, disable, reset passwords, grant per-event roles.
struct AccountsController {
    let accounts: any AccountStore
    let bcryptCost: UInt8

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/accounts", use: list)
        group.post("/accounts", use: create)
        group.get("/accounts/{id}", use: show)
        group.patch("/accounts/{id}", use: update)
        group.put("/accounts/{id}/events/{slug}", use: grant)
        group.delete("/accounts/{id}/events/{slug}", use: withdraw)
    }

    @Sendable func show(_ request: Request, context: TandemRequestContext) async throws -> AccountResponse {
        _ = try context.require(.manageAccounts)
        return AccountResponse(try await accounts.account(id: try accountID(context)))
    }

    /// Disabling an account or resetting its password ends its sessions and login tokens at once.
    @Sendable func update(_ request: Request, context: TandemRequestContext) async throws -> AccountResponse {
        _ = try context.require(.manageAccounts)
        let id = try accountID(context)
        let body = try await request.decodeJSON(as: UpdateAccountRequest.self, context: context)
        var errors = body.password.map { PasswordPolicy.validate($0) } ?? []
        if let name = body.name, name.trimmingWhitespace.isEmpty { errors.append(FieldError(field: "name", message: "must not be empty")) }
        if id == context.identity?.id, body.disabled == true || (body.role.map { $0 != .admin } ?? false) {
            errors.append(FieldError(field: body.disabled == true ? "disabled" : "role", message: "you cannot lock yourself out; ask another admin"))
        }
        try ValidationError.check(errors)
        let hash = if let password = body.password { try await PasswordHasher.hash(password, cost: bcryptCost) } else { String?.none }
        let patch = AccountPatch(name: body.name?.trimmingWhitespace, role: body.role, disabled: body.disabled, passwordHash: hash)
        return AccountResponse(try await accounts.updateAccount(id: id, patch: patch, by: context.actor))
    }

    @Sendable func grant(_ request: Request, context: TandemRequestContext) async throws -> AccountResponse {
        _ = try context.require(.manageAccounts)
        let body = try await request.decodeJSON(as: EventRoleRequest.self, context: context)
        return AccountResponse(try await accounts.setEventRole(accountID: try accountID(context), eventSlug: try context.parameters.require("slug"),
                                                               role: body.role, by: context.actor))
    }

    @Sendable func withdraw(_ request: Request, context: TandemRequestContext) async throws -> AccountResponse {
        _ = try context.require(.manageAccounts)
        return AccountResponse(try await accounts.setEventRole(accountID: try accountID(context), eventSlug: try context.parameters.require("slug"),
                                                               role: nil, by: context.actor))
    }

    func accountID(_ context: TandemRequestContext) throws -> Account.ID {
        Account.ID(try context.parameters.require("id", as: Int64.self))
    }

    @Sendable func list(_ request: Request, context: TandemRequestContext) async throws -> Page<AccountResponse> {
        _ = try context.require(.manageAccounts)
        return Page(items: try await accounts.accounts().map(AccountResponse.init), next: nil)
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<AccountResponse> {
        _ = try context.require(.manageAccounts)
        let body = try await request.decodeJSON(as: CreateAccountRequest.self, context: context)
        let email = body.email.trimmingWhitespace
        var errors = PasswordPolicy.validate(body.password)
        if !EmailAddress.isPlausible(email) { errors.append(FieldError(field: "email", message: "must be an e-mail address")) }
        if body.name.trimmingWhitespace.isEmpty { errors.append(FieldError(field: "name", message: "must not be empty")) }
        try ValidationError.check(errors)
        let hash = try await PasswordHasher.hash(body.password, cost: bcryptCost)
        let account = try await accounts.createAccount(email: email, name: body.name.trimmingWhitespace, role: body.role,
                                                       passwordHash: hash, by: context.actor)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/accounts"], response: AccountResponse(account))
    }
}

/// bcrypt hashing off the event loop.
public enum PasswordHasher {
    public static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }
}

extension Page: ResponseEncodable {}

// The request bodies of AccountsController's routes.
extension AccountsController {
    /// `POST /api/v1/accounts`.
    struct CreateAccountRequest: Decodable {
        var email: String
        var name: String
        var password: String
        var role: Account.Role
    }

    /// `PATCH /api/v1/accounts/{id}`: any of name, role, disabled, and a new password (a reset).
    struct UpdateAccountRequest: Decodable {
        var name: String?
        var role: Account.Role?
        var disabled: Bool?
        var password: String?
    }

    /// `PUT /api/v1/accounts/{id}/events/{slug}`.
    struct EventRoleRequest: Decodable {
        var role: Account.EventRole
    }
}
