import Hummingbird
import Logging

/// Logs each request's method and path at `level`, with attendees' tokens taken out of the path
/// (Hummingbird's LogRequestsMiddleware logs the path as it came).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    init(_ level: Logger.Level) {
        self.level = level
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        context.logger.log(level: level, "request", metadata: [
            "hb.request.method": "\(request.method.rawValue)",
            "hb.request.path": "\(LogRedaction.path(request.uri.path))",
        ])
        return try await next(request, context)
    }
}
