import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

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
    /// Each page's file with its asset version filled in, read once (a page's slug differs per
    /// request, the rest does not): a phone opening the event page costs no disk read.
    /// Shared with `SnapshotReplay`, which answers the event and screen pages from it.
    var templates = PageTemplates()

    /// `(route, file under Public/)`.
    static let pages: [(path: RouterPath, file: String)] = [
        ("/", "index.html"),
        ("/events/{slug}", "event.html"),
        ("/registrations/{token}", "registration.html"),
        // The attendee's certificate of attendance (after the event), and anyone's check of one.
        ("/registrations/{token}/certificate", "certificate.html"),
        ("/certificates/{code}", "verify-certificate.html"),
        ("/screen/{slug}", "screen.html"),
        ("/fellows", "fellows.html"),
        ("/admin/", "admin/index.html"),
        // The link an invited organiser gets by e-mail (the one-time token is in the fragment).
        ("/admin/set-password", "admin/set-password.html"),
        // The door: a full-screen check-in page for a phone or tablet.
        ("/admin/door/{slug}", "admin/door.html"),
        // The organiser's print-out of an event's certificates (`?registration=ID`: one of them).
        ("/admin/certificates/{slug}", "admin/certificates.html"),
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
        let rendered = try await render(file, path: path, version: version, slug: slug)
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .eTag: rendered.etag]
        // Weak comparison: a compressing proxy turns the tag into W/"…".
        if let notModified = ETag.notModified(request, etag: rendered.etag, headers: headers) { return notModified }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: rendered.body))
    }

    /// The page for `slug`: from memory when it was rendered before, else rendered and kept.
    private func render(_ file: String, path: String, version: String, slug rawSlug: String?) async throws -> PageTemplates.Page {
        if let page = templates.page(file: file, slug: rawSlug) { return page }
        let slug = HTML.escape(rawSlug.flatMap { ($0.removingPercentEncoding ?? $0).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_", "."])) } ?? "")
        let template: String?
        if let cached = templates[file] {
            template = cached
        } else {
            template = try await NIOThreadPool.singleton.runIfActive {
                FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self).replacingOccurrences(of: Self.placeholder, with: version) }
            }
            if let template { templates[file] = template }
        }
        guard let template else { throw Problem.notFound("This page is not installed (\(file)).") }
        let bytes = Data((template.contains(Self.slugPlaceholder) ? template.replacingOccurrences(of: Self.slugPlaceholder, with: slug) : template).utf8)
        let page = PageTemplates.Page(body: ByteBuffer(bytes: bytes), etag: "\"" + AccessToken.hex(SHA256.hash(data: bytes)).prefix(20) + "\"")
        templates.keep(page, file: file, slug: rawSlug)
        return page
    }
}

/// Page files as read (with the asset version filled in), by file name. Public/ is read once per
/// process, as the asset version is computed once: a new release is a restart.
///
/// Rendered pages (the slug filled in, the ETag computed) are kept too, per file and slug, up to
/// `limit`: a stranger requesting made-up slugs only ever starts the set afresh.
final class PageTemplates: Sendable {
    struct Page: Sendable {
        var body: ByteBuffer
        var etag: String
    }

    private struct Key: Hashable {
        var file: String
        var slug: String?
    }

    let limit: Int
    private let files = Mutex<[String: String]>([:])
    private let pages = Mutex<[Key: Page]>([:])

    init(limit: Int = 512) {
        self.limit = limit
    }

    subscript(file: String) -> String? {
        get { files.withLock { $0[file] } }
        set { files.withLock { $0[file] = newValue } }
    }

    func page(file: String, slug: String?) -> Page? {
        pages.withLock { $0[Key(file: file, slug: slug)] }
    }

    func keep(_ page: Page, file: String, slug: String?) {
        pages.withLock { pages in
            if pages.count >= limit { pages.removeAll(keepingCapacity: true) }
            pages[Key(file: file, slug: slug)] = page
        }
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
