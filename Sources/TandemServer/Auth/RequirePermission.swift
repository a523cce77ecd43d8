import Hummingbird
import TandemCore

/// Refuses anonymous callers (401) and callers without `permission` (403) for every route below it.
struct RequirePermission: RouterMiddleware {
    typealias Context = TandemRequestContext

    let permission: Account.Permission

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        _ = try context.require(permission)
        return try await next(request, context)
    }
}
