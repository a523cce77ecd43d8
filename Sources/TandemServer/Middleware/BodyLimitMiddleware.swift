import Hummingbird

/// Applies the configured request body limit to every request's context, or a larger one to the
/// few routes that take whole files (`POST /api/v1/import/schedule`, `POST /api/v1/speakers/import`).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    let maxBytes: Int
    /// Limits of single routes, by `METHOD /path`.
    var routes: [String: Int] = [:]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = routes.isEmpty ? maxBytes : routes["\(request.method) \(request.uri.path)"] ?? maxBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ProblemMapping.tooLarge()
        }
        var context = context
        context.maxUploadSize = limit
        return try await next(request, context)
    }
}
