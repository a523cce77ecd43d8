import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import TandemCore
import TandemStore

/// Admin-only account management: list and create organiser and check-in accounts.
struct AccountsController {
    let accounts: any AccountStore
    let bcryptCost: UInt8

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/accounts", use: list)
        group.post("/accounts", use: create)
    }

    @Sendable func list(_ request: Request, context: TandemRequestContext) async throws -> Page<AccountResponse> {
        Page(items: try await accounts.accounts().map(AccountResponse.init), next: nil)
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<AccountResponse> {
        let admin = try context.require(.manageAccounts)
        let body = try await request.decodeJSON(as: CreateAccountRequest.self, context: context)
        let email = body.email.trimmingWhitespace
        var errors = PasswordPolicy.validate(body.password)
        if !EmailAddress.isPlausible(email) { errors.append(FieldError(field: "email", message: "must be an e-mail address")) }
        if body.name.trimmingWhitespace.isEmpty { errors.append(FieldError(field: "name", message: "must not be empty")) }
        try ValidationError.check(errors)
        let hash = try await PasswordHasher.hash(body.password, cost: bcryptCost)
        let account = try await accounts.createAccount(email: email, name: body.name.trimmingWhitespace, role: body.role,
                                                       passwordHash: hash, by: admin.email)
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
