import Hummingbird
import HummingbirdAuth
import TandemCore
import TandemStore

/// Sets `context.identity` from `Authorization: Bearer <token>` when the token is valid.
/// An anonymous or invalid caller passes on without identity; protected routes then answer 401.
struct BearerAuthenticator: AuthenticatorMiddleware {
    typealias Context = TandemRequestContext

    let accounts: any AccountStore
    let clock: any WallClock

    func authenticate(request: Request, context: Context) async throws -> Account? {
        guard let bearer = request.headers.bearer, !bearer.token.isEmpty, bearer.token.utf8.count <= 256 else { return nil }
        return try await accounts.account(tokenHash: AccessToken.hash(bearer.token), at: clock.now())
    }
}

/// Refuses anonymous callers (401) and callers without `permission` (403) for every route below it.
struct RequirePermission: RouterMiddleware {
    typealias Context = TandemRequestContext

    let permission: Account.Permission

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        _ = try context.require(permission)
        return try await next(request, context)
    }
}

/// Applies the configured request body limit to every request's context.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw ProblemMapping.tooLarge()
        }
        var context = context
        context.maxUploadSize = maxBytes
        return try await next(request, context)
    }
}

/// Marks every response below it as not to be stored by caches (personal data).
struct NoStoreMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// Serves Public/ for page and asset paths only: API requests never touch the file system.
struct PublicFilesMiddleware<Files: RouterMiddleware>: RouterMiddleware where Files.Context == TandemRequestContext {
    typealias Context = TandemRequestContext

    let files: Files

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/") { return try await next(request, context) }
        return try await files.handle(request, context: context, next: next)
    }
}
