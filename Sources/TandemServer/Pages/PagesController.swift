import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// The web front end's pages: each URL of the contract maps to one HTML file in Public/.
///
/// Pages name their assets `/assets/__ASSET_VERSION__/…`; the placeholder becomes the content hash of
/// Public/assets, so assets can be cached for a year (`AssetFilesMiddleware`) while a new release is
/// picked up on the next page load. Pages themselves are revalidated (`no-cache` + ETag).
struct PagesController {
    static let placeholder = "__ASSET_VERSION__"
    /// Replaced by the page's `{slug}` (escaped), so event pages can link without JavaScript.
    static let slugPlaceholder = "__EVENT_SLUG__"

    let publicDirectory: String
    let assetVersion: String

    /// `(route, file under Public/)`.
    static let pages: [(path: RouterPath, file: String)] = [
        ("/", "index.html"),
        ("/events/{slug}", "event.html"),
        ("/registrations/{token}", "registration.html"),
        ("/screen/{slug}", "screen.html"),
        ("/fellows", "fellows.html"),
        ("/admin/", "admin/index.html"),
        // The link an invited organiser gets by e-mail (the one-time token is in the fragment).
        ("/admin/set-password", "admin/set-password.html"),
        // The door: a full-screen check-in page for a phone or tablet.
        ("/admin/door/{slug}", "admin/door.html"),
    ]

    func addRoutes(to router: Router<TandemRequestContext>) {
        for page in Self.pages {
            let file = page.file
            router.get(page.path) { request, context in
                try await serve(file, request: request, slug: context.parameters.get("slug"))
            }
        }
    }

    func serve(_ file: String, request: Request, slug: String?) async throws -> Response {
        let path = publicDirectory + "/" + file
        let version = assetVersion
        let slug = HTML.escape(slug.flatMap { ($0.removingPercentEncoding ?? $0).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_", "."])) } ?? "")
        let page: Data? = try await NIOThreadPool.singleton.runIfActive {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: Self.placeholder, with: version)
                .replacingOccurrences(of: Self.slugPlaceholder, with: slug).utf8)
        }
        guard let page else { throw Problem.notFound("This page is not installed (\(file)).") }
        let etag = "\"" + AccessToken.hex(SHA256.hash(data: page)).prefix(20) + "\""
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .eTag: etag]
        // Weak comparison: a compressing proxy turns the tag into W/"…".
        if let notModified = ETag.notModified(request, etag: etag, headers: headers) { return notModified }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: page)))
    }
}

/// The content hash of Public/assets, computed once at start.
enum AssetVersion {
    /// `v` + 12 hex digits of SHA-256 over every asset's relative path and bytes, in path order.
    static func compute(publicDirectory: String) -> String {
        let root = URL(fileURLWithPath: publicDirectory).appendingPathComponent("assets")
        var hasher = SHA256()
        let files = (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []).sorted()
        for relative in files {
            let url = root.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            hasher.update(data: Data(relative.utf8))
            hasher.update(data: data)
        }
        return "v" + AccessToken.hex(hasher.finalize()).prefix(12)
    }

    static func isVersion(_ segment: Substring) -> Bool {
        segment.count == 13 && segment.first == "v" && segment.dropFirst().allSatisfy(\.isHexDigit)
    }
}

/// Serves `/assets/<version>/…` as `/assets/…`; the current version is cached for a year as immutable,
/// an older one (a page loaded before an upgrade) is only revalidated.
struct AssetFilesMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    let version: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/assets/") else { return try await next(request, context) }
        let rest = path.dropFirst("/assets/".count)
        guard let slash = rest.firstIndex(of: "/"), AssetVersion.isVersion(rest[..<slash]) else {
            var response = try await next(request, context)
            if response.status == .ok || response.status == .notModified { response.headers[.cacheControl] = "no-cache" }
            return response
        }
        let current = rest[..<slash] == version
        var head = request.head
        head.path = "/assets" + rest[slash...] + (request.uri.query.map { "?" + $0 } ?? "")
        var response = try await next(Request(head: head, body: request.body), context)
        if response.status == .ok || response.status == .notModified {
            response.headers[.cacheControl] = current ? "public, max-age=31536000, immutable" : "no-cache"
        }
        return response
    }
}
