import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Synchronization
import TandemCore

/// Answers anonymous reads of an event's public documents on the connection's event loop by
/// replaying the response the router itself gave for the same cached document, with a fresh `Date`
/// and `X-Request-Id`: the event (`GET /api/v1/events/{slug}`), its schedule (`…/schedule`), and
/// the exports rendered once per schedule version (`…/schedule.json`, `…/schedule.xml`,
/// `…/schedule.ics` and `…/schedule.ics?room=ID`), and the event's pages `/events/{slug}` and
/// `/screen/{slug}` (valid while `PageTemplates` holds the page). Screens, phones and calendar apps poll these;
/// this keeps their cost to one read and one write on the event loop instead of a Swift task, the
/// router and twelve middlewares.
///
/// What it replays is recorded, never built: the first request for a document goes through the
/// router, and its answer (status, every header the middlewares added, body) is kept next to the
/// cache entry's ETag and event. A recording is used only while `SnapshotCache` holds an entry of
/// the same event with that same ETag, so a committed change (which drops the entries) or an
/// expired announcement ends it at once, and a slug that passes to another event never gets the
/// first one's bytes. Drafts are never cached, so never replayed. Two recordings per document:
/// the full answer (200) and the conditional one (304), chosen by `If-None-Match` exactly as the
/// route chooses.
///
/// Anything else goes through the router untouched (`target(of:)`): other methods (HEAD too) and
/// paths, any other query string, a request with credentials (`Authorization`, `Cookie`), a CORS
/// request (`Origin`), a request with a body, `Connection` other than keep-alive, and an upgrade.
/// Answers stay in request order (see `SnapshotReplayHandler`). Off when request logging is at
/// debug level, so that every request is logged. HEAD stays with the router: Hummingbird's
/// generated HEAD answer drops the body and with it the metrics middleware's count, so a replayed
/// HEAD could not be counted as the router counts it, and no client polls with HEAD.
///
/// A recording is only right while every answer to such a request differs by `Date` and
/// `X-Request-Id` alone. A middleware that makes other headers vary per request (a cookie, a
/// nonce) must make those requests ineligible in `target(of:)`.
final class SnapshotReplay: Sendable {
    let cache: SnapshotCache
    let clock: any WallClock
    let metricsEnabled: Bool

    /// One cached document of one event, or one of its pages, as a request names it.
    struct Target: Hashable, Sendable {
        var slug: String
        var document: Document

        /// The route's path, as the request metrics name it.
        var route: String {
            switch document {
            case .cached(.snapshot(.event)): "/api/v1/events/{slug}"
            case .cached(.snapshot(.schedule)): "/api/v1/events/{slug}/schedule"
            case .cached(.export(.calendar)): "/api/v1/events/{slug}/schedule.ics"
            case .cached(.export(.frabXML)): "/api/v1/events/{slug}/schedule.xml"
            case .cached(.export(.frabJSON)): "/api/v1/events/{slug}/schedule.json"
            case .page(let page): page.route
            }
        }
    }

    /// What a target's answer is made from.
    enum Document: Hashable, Sendable {
        /// A document of `SnapshotCache`, valid while the cache holds the same entry.
        case cached(SnapshotCache.Document)
        /// A page of Public/ with the event's slug filled in (`PagesController`): the same bytes
        /// for the life of the process (Public/ is read once), valid while `PageTemplates` holds it.
        case page(Page)
    }

    /// The event's pages a replay answers: those that screens and phones open.
    enum Page: Hashable, Sendable {
        case event
        case screen

        var route: String {
            switch self {
            case .event: "/events/{slug}"
            case .screen: "/screen/{slug}"
            }
        }

        /// The file `PagesController` serves for it.
        var file: String {
            switch self {
            case .event: "event.html"
            case .screen: "screen.html"
            }
        }
    }

    /// The router's answer for one cached document: the head as sent and the body (none for 304).
    struct Recording: Sendable {
        /// The event and ETag of the cache entry it answered from (no event for a page).
        var eventID: Event.ID?
        var etag: String
        var head: HTTPResponse
        var body: ByteBuffer?
    }

    private struct Key: Hashable {
        var target: Target
        var notModified: Bool

        var isPage: Bool {
            if case .page = target.document { return true }
            return false
        }
    }

    private let recordings = Mutex<[Key: Recording]>([:])
    private struct MetricKey: Hashable {
        /// The target's document, one per route (every room's calendar counts as the calendar's).
        var route: Document
        var status: Int
    }

    private let counters = Mutex<[MetricKey: (Counter, Timer)]>([:])
    private let dates = HTTPDate()
    private let answered = Atomic<Int>(0)

    /// Pages recorded now (for tests).
    var pageRecordingCount: Int { recordings.withLock { $0.keys.count(where: \.isPage) } }

    /// Requests answered here so far.
    var replayed: Int { answered.load(ordering: .relaxed) }

    let pages: PageTemplates

    init(cache: SnapshotCache, pages: PageTemplates = PageTemplates(), clock: any WallClock, metricsEnabled: Bool) {
        self.cache = cache
        self.pages = pages
        self.clock = clock
        self.metricsEnabled = metricsEnabled
    }

    /// What a recording must match to answer for `target` now: the cache's entry (event and ETag),
    /// or the rendered page (its ETag and bytes); nil when there is none.
    private func current(_ target: Target) -> (eventID: Event.ID?, etag: String, body: ByteBuffer)? {
        switch target.document {
        case .cached(let document):
            guard let entry = cache.entry(slug: target.slug, document, at: clock.now()) else { return nil }
            return (entry.eventID, entry.etag, entry.body)
        case .page(let page):
            guard let rendered = pages.page(file: page.file, slug: target.slug) else { return nil }
            return (nil, rendered.etag, rendered.body)
        }
    }

    /// Which recording answers `request` now: the cache must hold the recording's entry (same event,
    /// same ETag), or `PageTemplates` the recording's page.
    func answer(_ request: HTTPRequest, for target: Target) -> Recording? {
        guard let entry = current(target) else { return nil }
        let notModified = request.headerFields[.ifNoneMatch].map { ETag.matches($0, entry.etag) } ?? false
        guard let recording = recordings.withLock({ $0[Key(target: target, notModified: notModified)] }),
              recording.etag == entry.etag, recording.eventID == entry.eventID else { return nil }
        return recording
    }

    /// Keeps the router's answer for `target` when it is the cached entry's: a 304 with its ETag, or
    /// a 200 with its ETag and its body (two renders of one version may differ, e.g. by the
    /// calendar's `DTSTAMP`: only the one kept in the cache is recorded).
    func record(_ head: HTTPResponse, body: ByteBuffer?, for target: Target) {
        guard head.status == .ok || head.status == .notModified, let etag = head.headerFields[.eTag],
              let entry = current(target), entry.etag == etag else { return }
        if head.status == .ok { guard body == entry.body else { return } }
        let key = Key(target: target, notModified: head.status == .notModified)
        let recording = Recording(eventID: entry.eventID, etag: etag, head: head, body: head.status == .ok ? body : nil)
        guard case .page = target.document else {
            recordings.withLock { $0[key] = recording }
            return
        }
        // A page is rendered for any slug a stranger makes up: past twice what `PageTemplates`
        // keeps, the page recordings are forgotten together (a new one is rare: it is made only
        // when no recording answered).
        let limit = 2 * pages.limit
        recordings.withLock { recordings in
            if recordings[key] == nil, recordings.keys.count(where: \.isPage) >= limit {
                recordings = recordings.filter { !$0.key.isPage }
            }
            recordings[key] = recording
        }
    }

    /// The recorded head with this answer's own `Date` and request id.
    func head(from recording: Recording) -> HTTPResponse {
        var head = recording.head
        head.headerFields[.date] = dates.now()
        head.headerFields[.xRequestID] = RequestID().description
        return head
    }

    /// Counts a replayed answer where the router's metrics middleware counts it (`hb_requests`,
    /// `http_server_request_duration_seconds`, same labels).
    func count(_ target: Target, status: HTTPResponse.Status, nanoseconds: UInt64) {
        answered.add(1, ordering: .relaxed)
        guard metricsEnabled else { return }
        var route = target.document
        if case .cached(.export(.calendar)) = route { route = .cached(.export(.calendar(room: nil))) }
        let key = MetricKey(route: route, status: status.code)
        let (counter, timer) = counters.withLock { counters in
            if let pair = counters[key] { return pair }
            let dimensions = [("http.route", target.route), ("http.request.method", "GET"), ("http.response.status_code", status.code.description)]
            let pair = (Counter(label: "hb.requests", dimensions: dimensions),
                        Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            counters[key] = pair
            return pair
        }
        counter.increment()
        timer.recordNanoseconds(Int64(nanoseconds))
    }
}
