import Hummingbird

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
