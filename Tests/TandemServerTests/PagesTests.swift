import Foundation
import HTTPTypes
import Logging
import Metrics
import Prometheus
import NIOCore
import Testing
@testable import TandemServer
import TandemTestSupport

/// One Prometheus registry for the whole test process (swift-metrics is bootstrapped once per process).
enum TestMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

@Suite("Pages, the no-JS form, the speaker directory, metrics and logs", .timeLimit(.minutes(5)))
struct PagesTests {
    @Test("pages: asset version substituted, revalidated with ETag (weak too); versioned assets immutable, others revalidated")
    func pagesAndAssets() async throws {
        try await withTandem { api in
            let page = try await api.get("/events/anything")
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-cache")
            #expect(!page.text.contains("__ASSET_VERSION__"))
            // Without JavaScript the event page still links to the plain registration form.
            #expect(page.text.contains("href=\"/events/anything/register\""))
            #expect(try await api.get("/events/%3Cb%3E").text.contains("/events/%3Cb%3E/register"))
            let version = try #require(page.text.firstMatch(of: /\/assets\/(v[0-9a-f]{12})\//)?.1)
            let etag = try #require(page.headers[.eTag])
            #expect(try await api.get("/events/anything", headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await api.get("/events/anything", headers: [.ifNoneMatch: "W/" + etag]).status == .notModified)
            // Kept in memory after the first request: the same bytes and tag; each slug its own page.
            let again = try await api.get("/events/anything")
            #expect(again.text == page.text && again.headers[.eTag] == etag)
            let other = try await api.get("/events/something-else")
            #expect(other.text.contains("href=\"/events/something-else/register\"") && other.headers[.eTag] != etag)
            #expect(try await api.get("/events/%3Cb%3E").text.contains("/events/%3Cb%3E/register"), "escaped from memory too")
            for path in ["/", "/fellows", "/screen/x", "/registrations/abc", "/admin/"] {
                let reply = try await api.get(path)
                #expect(reply.status == .ok && !reply.text.contains("__ASSET_VERSION__"), "\(path)")
            }
            let asset = try await api.get("/assets/\(version)/css/site.css")
            #expect(asset.status == .ok && asset.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(asset.headers[.eTag] != nil)
            #expect(try await api.get("/assets/v000000000000/css/site.css").headers[.cacheControl] == "no-cache")
            #expect(try await api.get("/assets/css/site.css").headers[.cacheControl] == "no-cache")
            #expect(try await api.get("/assets/\(version)/../openapi.yaml").status.code >= 400)
        }
    }

    @Test("the registration form works without JavaScript: errors next to fields with values kept (escaped), 303 on success")
    func plainForm() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            let workshop = try await admin.openEvent()
            #expect(try await admin.patch("/api/v1/events/hamburg-2017/sessions/\(workshop)",
                                          #"{"title":{"en":"<script>alert(\"x\")</script> Fundraising"}}"#).status == .ok)
            let form = try await api.get("/events/hamburg-2017/register")
            #expect(form.status == .ok && form.text.contains("name=\"sessionIds\" value=\"\(workshop)\""))
            #expect(form.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Fundraising") && !form.text.contains("<script>alert"))
            let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let bad = try await api.call(.post, "/events/hamburg-2017/register", json: "name=%3Cb%3EZhang+Wei&email=not-an-email&language=zh",
                                         headers: formType)
            #expect(bad.status == .unprocessableContent && bad.headers[.contentType] == "text/html; charset=utf-8")
            #expect(bad.text.contains("value=\"&lt;b&gt;Zhang Wei\"") && bad.text.contains("id=\"email-error\""))
            #expect(bad.text.contains("id=\"consent-error\"") && bad.text.contains("<html lang=\"zh\">"))
            let good = try await api.call(.post, "/events/hamburg-2017/register",
                                          json: "name=%E5%BC%A0%E4%BC%9F&email=zhang%40example.org&sessionIds=\(workshop)&consent=yes", headers: formType)
            #expect(good.status == .seeOther)
            let location = try #require(good.headers[.location])
            #expect(location.hasPrefix("/registrations/"))
            let own = try await api.get("/api/v1" + location).json
            #expect(own["name"].string == "张伟" && own["status"].string == "confirmed" && own["sessions"][0]["status"].string == "confirmed", "\(own)")
            let again = try await api.call(.post, "/events/hamburg-2017/register",
                                           json: "name=Zhang&email=zhang%40example.org&consent=yes", headers: formType)
            #expect(again.status == .conflict && again.text.contains("form-error"))
            try await api.call(.post, "/events/hamburg-2017/register", json: #"{"name":"x"}"#).expectProblem(.unsupportedMediaType)
            try await api.get("/events/nothing-here/register").expectProblem(.notFound)
        }
    }

    @Test("a path that exists answers another method with 405 and Allow; unknown paths and things stay 404")
    func methodNotAllowed() async throws {
        try await withTandem { api in
            let put = try await api.call(.put, "/api/v1/events", json: "{}")
            put.expectProblem(.methodNotAllowed, code: "method-not-allowed")
            #expect(put.headers[.allow] == "GET, HEAD, POST")
            #expect(try await api.call(.delete, "/healthz").headers[.allow] == "GET, HEAD")
            #expect(try await api.call(.post, "/api/v1/events/hamburg-2017/schedule.ics").status == .methodNotAllowed)
            try await api.get("/api/v1/nothing-here").expectProblem(.notFound)
            try await api.get("/api/v1/events/no-such-event").expectProblem(.notFound)
            let head = try await api.call(.head, "/healthz")
            #expect(head.status == .ok, "\(head.status) \(head.headers) \(head.text)")
        }
    }

    @Test("stored text with markup, quotes and any script comes back unchanged in JSON")
    func textUnchangedInJSON() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            let (room, _, _) = try await admin.seedEvent()
            let title = #"<script>alert('x')</script> \"quoted\" 能力建设 مرحبا"#
            let created = try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: room, title: title))
            let id = try #require(created.json["id"].int)
            let expected = #"<script>alert('x')</script> "quoted" 能力建设 مرحبا"#
            #expect(try await api.get("/api/v1/events/hamburg-2017/sessions/\(id)").json["title"]["en"].string == expected)
        }
    }

    @Test("speaker directory: all speakers, fellows only, one cohort; each with the sessions they speak in")
    func speakerDirectory() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            let (room, _, fellow) = try await admin.seedEvent()
            let guest = try #require(try await admin.post("/api/v1/speakers", #"{"name":"Guest Speaker","organisation":"Elsewhere"}"#).json["id"].int)
            let later = try #require(try await admin.post("/api/v1/speakers", #"{"name":"Wang Fang","fellowship":{"cohort":2018}}"#).json["id"].int)
            #expect(try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: room, speakers: [fellow, guest])).status == .created)
            let all = try await api.get("/api/v1/speakers").json["items"].array
            #expect(all.count == 3)
            let fellows = try await api.get("/api/v1/speakers?fellow=true").json["items"].array
            #expect(Set(fellows.compactMap { $0["id"].int }) == [fellow, later])
            let cohort = try await api.get("/api/v1/speakers?fellow=true&cohort=2017").json["items"].array
            #expect(cohort.count == 1 && cohort[0]["name"].string == "Li Wei" && cohort[0]["fellowship"]["partnerOrganisation"].string == "Naturfreunde Hamburg")
            #expect(cohort[0]["sessions"][0]["eventSlug"].string == "hamburg-2017" && cohort[0]["sessions"][0]["startsAt"].string == "2017-06-15T10:00:00+02:00")
            try await api.get("/api/v1/speakers?cohort=last").expectProblem(.unprocessableContent)
            try await api.get("/api/v1/speakers?fellow=maybe").expectProblem(.unprocessableContent)
        }
    }

    @Test("/metrics exposes requests by route and status, latency, live subscribers, live messages, registrations, outbox backlog")
    func metrics() async throws {
        let registry = TestMetrics.registry
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .warning
        var settings = testConfig()
        settings.metricsToken = "prometheus scrape token"
        let config = settings
        let app = try await buildApplication(config, environment: AppEnvironment(clock: TestClock(), logger: logger, metrics: registry))
        try await app.test(.router) { client in
            var api = API(client)
            api.mailFolder = mailFolder(config.databasePath)
            let admin = try await api.login()
            _ = try await admin.openEvent()
            #expect(try await admin.post("/api/v1/events", Body.event(slug: "unannounced-draft-2041", status: "draft")).status == .created)
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1)).status == .created)
            _ = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1))
            // Not anonymous (router mode has no loopback peer), not for organisers; admins and the token may.
            try await api.get("/metrics").expectProblem(.unauthorized)
            try await api.get("/metrics", headers: [.authorization: "Bearer a guessed token"]).expectProblem(.unauthorized)
            try await api.account(.organiser).get("/metrics").expectProblem(.forbidden)
            #expect(try await admin.get("/metrics").status == .ok)
            let reply = try await api.get("/metrics", headers: [.authorization: "Bearer prometheus scrape token"])
            #expect(!reply.text.contains("unannounced-draft-2041"), "an unpublished event is never named")
            #expect(reply.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = reply.text
            for series in [#"hb_requests{http_route="/api/v1/events/{slug}/registrations",http_request_method="POST",http_response_status_code="201"}"#,
                           "http_server_request_duration_bucket{", #"tandem_live_subscribers{event="hamburg-2017"} 0"#,
                           "tandem_live_messages_sent_total", #"tandem_registrations_total{outcome="confirmed"}"#,
                           #"tandem_registrations_total{outcome="rejected"}"#, "tandem_outbox_backlog"] {
                #expect(text.contains(series), "\(series)")
            }
        }
    }

    @Test("JSON logs: one object per line with level, message, label and metadata such as the request id")
    func jsonLogs() throws {
        let lines = LockedLines()
        var logger = Logger(label: "tandem") { JSONLogHandler(label: $0, write: { lines.append($0) }) }
        logger[metadataKey: "hb.request.id"] = "abc123"
        logger.warning("slow \"client\"", metadata: ["event": "hamburg-2017"])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "warning" && object["message"] == "slow \"client\"" && object["label"] == "tandem")
        #expect(object["hb.request.id"] == "abc123" && object["event"] == "hamburg-2017" && object["time"]?.hasPrefix("20") == true)
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }

    @Test("rendered pages kept in memory are bounded: made-up slugs only start the set afresh")
    func pageMemoryIsBounded() {
        let templates = PageTemplates(limit: 3)
        let page = PageTemplates.Page(body: ByteBuffer(string: "<p>"), etag: "\"1\"")
        for slug in ["a", "b", "c"] { templates.keep(page, file: "event.html", slug: slug) }
        #expect(templates.page(file: "event.html", slug: "a") != nil)
        templates.keep(page, file: "event.html", slug: "d")
        #expect(templates.page(file: "event.html", slug: "a") == nil && templates.page(file: "event.html", slug: "d") != nil)
    }
}
