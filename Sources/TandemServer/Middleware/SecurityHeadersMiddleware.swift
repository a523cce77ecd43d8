import HTTPTypes
import Hummingbird

/// Headers on every response: a Content-Security-Policy that fits Public/ (scripts and styles only
/// from this origin, no inline script, no framing), no MIME sniffing, and no referrer leaving the
/// site (self-service links carry a private token in their path).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    let contentSecurity = ContentSecurityMiddleware<TandemRequestContext>(contentSecurityPolicy: [
        .defaultSrc(.self),
        .scriptSrc(.self),
        .styleSrc(.self),
        .imgSrc(.self, .uri("data:")),
        .connectSrc(.self),
        .objectSrc(.none),
        .baseURI(.self),
        .formAction(.self),
        .frameAncestors(.none),
    ])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await contentSecurity.handle(request, context: context, next: next)
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        return response
    }
}

/// CORS for the listed origins only; other origins get no CORS headers (browsers then refuse to
/// share responses with their scripts). Off when the list is empty.
struct AllowListedCORSMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    let origins: Set<String>
    let cors = CORSMiddleware<TandemRequestContext>(
        allowOrigin: .originBased, allowHeaders: [.accept, .authorization, .contentType, .ifMatch, .ifNoneMatch],
        allowMethods: [.get, .head, .post, .patch, .put, .delete, .options], allowCredentials: false,
        exposedHeaders: ["ETag", "Location", "Retry-After"], maxAge: .seconds(600))

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
