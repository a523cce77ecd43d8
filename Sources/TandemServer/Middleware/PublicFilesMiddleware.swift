import Hummingbird

/// Serves Public/ for page and asset paths only: API requests never touch the file system.
struct PublicFilesMiddleware<Files: RouterMiddleware>: RouterMiddleware where Files.Context == TandemRequestContext {
    typealias Context = TandemRequestContext

    let files: Files

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/") { return try await next(request, context) }
        return try await files.handle(request, context: context, next: next)
    }
}
