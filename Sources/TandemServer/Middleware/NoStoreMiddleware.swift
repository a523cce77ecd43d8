import Hummingbird

/// Marks every response below it as not to be stored by caches (personal data).
struct NoStoreMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
