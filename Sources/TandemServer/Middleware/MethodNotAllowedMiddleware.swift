import HTTPTypes
import Hummingbird
import Synchronization

/// Answers 405 with `Allow` (RFC 9110 §15.5.6) instead of 404 when a path exists but not for this
/// method, e.g. `PUT /api/v1/events` (HEAD comes with every GET route: the router generates it). The router's own
/// "no route" 404 is the only one turned into 405; a handler's 404 (no such event) stays 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    /// The router's routes, filled in once every route is registered (middleware comes first).
    final class RouteTable: Sendable {
        /// Route patterns split into segments (`{slug}` matches any one segment), with their methods.
        let entries = Mutex<[(segments: [Substring], methods: Set<HTTPRequest.Method>)]>([])

        func load(_ routes: [(path: String, method: HTTPRequest.Method)]) {
            var byPath: [String: Set<HTTPRequest.Method>] = [:]
            for route in routes { byPath[route.path, default: []].insert(route.method) }
            entries.withLock { $0 = byPath.map { (MethodNotAllowedMiddleware.segments($0.key), $0.value) } }
        }
    }

    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = allowedMethods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }

            var names = allowed.map(\.rawValue)
            if allowed.contains(.get) && !allowed.contains(.head) { names.append("HEAD") }
            var problem = Problem(.methodNotAllowed, code: "method-not-allowed", title: "Method not allowed",
                                  detail: "\(request.method) is not supported here; use \(names.sorted().joined(separator: ", ")).")
            problem.headers[.allow] = names.sorted().joined(separator: ", ")
            throw problem
        }
    }

    func allowedMethods(for path: String) -> Set<HTTPRequest.Method> {
        let parts = Self.segments(path)
        var methods = Set<HTTPRequest.Method>()
        for route in table.entries.withLock({ $0 }) where route.segments.count == parts.count {
            if zip(route.segments, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { methods.formUnion(route.methods) }
        }
        return methods
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
