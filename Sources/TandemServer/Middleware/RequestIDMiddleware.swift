import HTTPTypes
import Hummingbird

/// Answers every request with its id (`X-Request-Id`), the same id its log lines carry as
/// `hb.request.id`, so a user's report can be found in the logs.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xRequestID] = context.id
        return response
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
}
