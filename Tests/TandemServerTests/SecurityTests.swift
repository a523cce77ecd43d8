import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import TandemServer
import TandemStore
import TandemSQLite
import TandemTestSupport

/// Every route of the router, classified. A route missing from these lists fails `everyRouteIsClassified`,
/// and every route not public is checked for 401/403 — so a new route cannot escape the matrix.
enum RouteMatrix {
    /// Anyone may call these.
    static let publicRoutes: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /openapi.yaml",
        "GET /", "GET /events/{slug}", "GET /registrations/{token}", "GET /screen/{slug}", "GET /fellows", "GET /admin",
        "GET /admin/set-password", "GET /admin/door/{slug}",
        "GET /events/{slug}/register", "POST /events/{slug}/register", "GET /events/{slug}/register/sent",
        "GET /registrations/{token}/confirm", "POST /registrations/{token}/confirm", "POST /api/v1/registrations/{token}/confirm",
        "GET /api/v1/events", "GET /api/v1/events/{slug}", "GET /api/v1/events/{slug}/schedule",
        "GET /api/v1/events/{slug}/sessions/{id}", "GET /api/v1/events/{slug}/speakers", "GET /api/v1/events/{slug}/rooms",
        "GET /api/v1/events/{slug}/announcements", "GET /api/v1/speakers", "GET /api/v1/speakers/{id}",
        "POST /api/v1/events/{slug}/registrations",
        "GET /api/v1/registrations/{token}", "PATCH /api/v1/registrations/{token}", "DELETE /api/v1/registrations/{token}",
        "GET /api/v1/events/{slug}/live", "GET /api/v1/events/{slug}/live/stream",
        "POST /api/v1/auth/login", "POST /api/v1/auth/set-password",
        "GET /api/v1/events/{slug}/schedule.ics", "GET /api/v1/events/{slug}/schedule.xml", "GET /api/v1/events/{slug}/schedule.json",
        "GET /api/v1/registrations/{token}/schedule.ics", "GET /api/v1/registrations/{token}/check-in.svg",
        "GET /registrations/{token}/certificate", "GET /certificates/{code}", "GET /admin/certificates/{slug}",
        "GET /api/v1/registrations/{token}/certificate", "GET /api/v1/certificates/{code}", "GET /api/v1/certificates/{code}/qr.svg",
    ]
    /// Any signed-in account, whatever its role (its own session and tokens).
    static let selfRoutes: Set<String> = [
        "POST /api/v1/auth/logout", "GET /api/v1/auth/me",
        "GET /api/v1/auth/tokens", "POST /api/v1/auth/tokens", "DELETE /api/v1/auth/tokens/{id}",
    ]
    /// What a check-in volunteer of the event may reach.
    static let checkinRoutes: Set<String> = [
        "GET /api/v1/events/{slug}/registrations", "GET /api/v1/events/{slug}/registrations/{id}", "POST /api/v1/events/{slug}/checkins",
        "GET /api/v1/events/{slug}/checkins/summary",
    ]
    /// Routes that are not about one event: only programme-wide roles reach them.
    static func isEventRoute(_ route: String) -> Bool { route.contains("/events/{slug}") && !route.hasPrefix("PUT /api/v1/accounts") && !route.hasPrefix("DELETE /api/v1/accounts") }

    static func routes() throws -> [String] {
        let config = testConfig()
        let store = try SQLiteStore(path: config.databasePath, clock: TestClock())
        let tokens = SelfServiceKeyring(key: .init(size: .bits256), publicURL: "http://localhost", randomness: .system)
        let router = buildRouter(config, store: store, tokens: tokens, cache: SnapshotCache(), hub: LiveHub(logger: .init(label: "test")),
                                 environment: AppEnvironment(metrics: TestMetrics.registry), decoyHash: "", csrf: CSRFTokens(secret: .init(size: .bits256)),
                                 openings: OpeningSchedules())
        return router.routes.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// A concrete request for a route pattern, on event `slug`.
    static func request(_ route: String, slug: String) -> (HTTPRequest.Method, String) {
        let parts = route.split(separator: " ", maxSplits: 1)
        let path = String(parts[1]).replacingOccurrences(of: "{slug}", with: slug).replacingOccurrences(of: "{id}", with: "1")
            .replacingOccurrences(of: "{token}", with: String(repeating: "x", count: 43))
        return (HTTPRequest.Method(rawValue: String(parts[0]))!, path)
    }
}

@Suite("Security: roles, sessions, tokens, limits, audit, headers", .timeLimit(.minutes(5)))
struct SecurityTests {
    // One store suffices: it reads the route table, not the database.
    @Test("every route is public, self-service or protected — none unclassified")
    func everyRouteIsClassified() throws {
        let routes = try RouteMatrix.routes()
        #expect(routes.count > 40)
        let known = RouteMatrix.publicRoutes.union(RouteMatrix.selfRoutes)
        #expect(known.subtracting(routes).sorted() == [], "classified routes that do not exist")
        // Everything else is protected, and checked below.
        #expect(routes.filter { !known.contains($0) }.count > 25)
        // The organiser console's routes (issue 17) are among the protected ones, so the matrix checks them.
        let console: Set = ["POST /api/v1/events/{slug}/duplicate", "POST /api/v1/speakers/import", "POST /api/v1/import/schedule",
                            "POST /api/v1/accounts/invite", "GET /api/v1/events/{slug}/checkins/summary",
                            "GET /api/v1/events/{slug}/certificates", "GET /api/v1/events/{slug}/registrations/{id}/certificate"]
        #expect(console.subtracting(routes.filter { !RouteMatrix.publicRoutes.contains($0) }).sorted() == [])
        // So are the webhooks (issue 19) and the change log they catch up from: 401 anonymous, 403 to others.
        let webhooks: Set = ["GET /api/v1/events/{slug}/webhooks", "POST /api/v1/events/{slug}/webhooks",
                             "GET /api/v1/events/{slug}/webhooks/{id}", "PATCH /api/v1/events/{slug}/webhooks/{id}",
                             "DELETE /api/v1/events/{slug}/webhooks/{id}", "GET /api/v1/events/{slug}/webhooks/{id}/deliveries",
                             "POST /api/v1/events/{slug}/webhooks/{id}/ping", "GET /api/v1/events/{slug}/changes"]
        #expect(webhooks.subtracting(routes.filter { !known.contains($0) }).sorted() == [])
    }

    @Test("role matrix: every protected route answers 401 to anonymous callers and 403 to roles without the right", arguments: StoreKind.available)
    func roleMatrix(kind: StoreKind) async throws {
        let routes = try RouteMatrix.routes().filter { !RouteMatrix.publicRoutes.contains($0) }
        #expect(routes.contains("GET /metrics"), "the metrics are in the matrix: admins only")
        try await withTandem(store: kind) { api in
            let (outsider, volunteer) = try await Self.matrixAccounts(api)
            try await Self.expectRefused(routes.filter { $0 != "GET /metrics" }, anonymous: api, outsider: outsider, volunteer: volunteer)
            // Nothing the refused calls tried was written.
            #expect(try await api.scheduleVersion("hamburg-2017") == 3)
        }
        // `/metrics` exists only with a metrics registry, and every request of such a server counts in
        // the process's one registry, which other suites read: it is checked apart, reading nothing else.
        try await withTandem(store: kind, metrics: TestMetrics.registry) { api in
            let (outsider, volunteer) = try await Self.matrixAccounts(api)
            try await Self.expectRefused(["GET /metrics"], anonymous: api, outsider: outsider, volunteer: volunteer)
        }
    }

    /// Two events, an organiser of the other one and a check-in volunteer of `hamburg-2017`.
    static func matrixAccounts(_ api: API) async throws -> (outsider: API, volunteer: API) {
        let admin = try await api.login()
        _ = try await admin.seedEvent()
        _ = try await admin.seedEvent(slug: "other-2017")
        return (try await api.eventAccount("outsider@example.org", role: "organiser", event: "other-2017"),
                try await api.eventAccount("volunteer@example.org", role: "checkin", event: "hamburg-2017"))
    }

    /// Each route answers 401 anonymously, and 403 to an organiser of another event and (unless a
    /// check-in route) to a check-in volunteer.
    static func expectRefused(_ routes: [String], anonymous api: API, outsider: API, volunteer: API) async throws {
        for route in routes {
            let (method, path) = RouteMatrix.request(route, slug: "hamburg-2017")
            let anonymous = try await api.call(method, path, json: "{}")
            #expect(anonymous.status == .unauthorized, "\(route) anonymous: \(anonymous.status)")
            if RouteMatrix.selfRoutes.contains(route) { continue }
            let foreign = try await outsider.call(method, path, json: "{}")
            #expect(foreign.status == .forbidden, "\(route) as organiser of another event: \(foreign.status) \(foreign.text)")
            if !RouteMatrix.checkinRoutes.contains(route) {
                let desk = try await volunteer.call(method, path, json: "{}")
                #expect(desk.status == .forbidden, "\(route) as check-in volunteer: \(desk.status)")
            }
        }
    }

    @Test("per-event roles: an event's organiser edits that event only; its check-in volunteer checks in only", arguments: StoreKind.available)
    func perEventRoles(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            _ = try await admin.openEvent()
            _ = try await admin.seedEvent(slug: "other-2017")
            let organiser = try await api.eventAccount("local@example.org", role: "organiser", event: "hamburg-2017")
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#).status == .created)
            try await organiser.post("/api/v1/events/other-2017/rooms", #"{"name":"Room C"}"#).expectProblem(.forbidden)
            try await organiser.post("/api/v1/events", Body.event(slug: "new-2017")).expectProblem(.forbidden)
            let me = try await organiser.get("/api/v1/auth/me").json
            #expect(me["role"].string == "member")
            #expect(me["events"][0]["event"].string == "hamburg-2017" && me["events"][0]["role"].string == "organiser")

            let registered = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1))
            let token = try #require(registered.json["token"].string)
            let volunteer = try await api.eventAccount("door@example.org", role: "checkin", event: "hamburg-2017")
            #expect(try await volunteer.post("/api/v1/events/hamburg-2017/checkins", try await api.checkInBody(token: token)).status == .ok)
            #expect(try await volunteer.get("/api/v1/events/hamburg-2017/registrations").status == .ok)
            try await volunteer.get("/api/v1/events/hamburg-2017/registrations.csv").expectProblem(.forbidden)
            try await volunteer.get("/api/v1/events/other-2017/registrations").expectProblem(.forbidden)

            // Withdrawn: the next request is refused.
            let id = try #require(try await admin.get("/api/v1/accounts").json["items"].array.first { $0["email"].string == "door@example.org" }?["id"].int)
            #expect(try await admin.delete("/api/v1/accounts/\(id)/events/hamburg-2017").json["events"].array.isEmpty)
            try await volunteer.get("/api/v1/events/hamburg-2017/registrations").expectProblem(.forbidden)
        }
    }

    @Test("browser session: cookie flags, CSRF required for changes by cookie only, rotation on login, logout, expiry", arguments: StoreKind.available)
    func cookieSessions(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            let login = try await api.post("/api/v1/auth/login", #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#)
            let cookies = login.headers[values: .setCookie]
            let session = try #require(cookies.first { $0.hasPrefix("tandem_session=") })
            let csrfCookie = try #require(cookies.first { $0.hasPrefix("tandem_csrf=") })
            for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] { #expect(session.contains(flag), "\(flag) in \(session)") }
            #expect(!csrfCookie.contains("HttpOnly"), "scripts must be able to read the CSRF cookie")
            let sessionValue = cookieValue(session)
            let csrf = try #require(login.json["csrfToken"].string)
            #expect(cookieValue(csrfCookie) == csrf)
            let cookie: HTTPFields = [.cookie: "tandem_session=\(sessionValue)"]

            let me = try await api.get("/api/v1/auth/me", headers: cookie).json
            #expect(me["authenticatedBy"].string == "session" && me["csrfToken"].string == csrf)
            // A change by cookie without the token, or with another session's token, is refused; nothing is written.
            try await api.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#, headers: cookie)
                .expectProblem(.forbidden, code: "csrf-token-invalid")
            var wrong = cookie
            wrong[SessionCookies.csrfHeader] = String(repeating: "A", count: 43)
            try await api.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#, headers: wrong)
                .expectProblem(.forbidden, code: "csrf-token-invalid")
            #expect(try await api.scheduleVersion("hamburg-2017") == 3)
            var good = cookie
            good[SessionCookies.csrfHeader] = csrf
            #expect(try await api.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#, headers: good).status == .created)
            // Bearer requests need no CSRF token.
            #expect(try await admin.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room D"}"#).status == .created)
            // Public writes are not blocked by a stale cookie.
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1), headers: cookie).status == .created)

            // Logging in again from this browser gives a new session id and ends the old one.
            let again = try await api.post("/api/v1/auth/login", #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#, headers: cookie)
            let rotated = cookieValue(try #require(again.headers[values: .setCookie].first { $0.hasPrefix("tandem_session=") }))
            #expect(rotated != sessionValue)
            try await api.get("/api/v1/auth/me", headers: cookie).expectProblem(.unauthorized)

            // Logout clears the cookies and ends the session server-side.
            let rotatedCookie: HTTPFields = [.cookie: "tandem_session=\(rotated)", SessionCookies.csrfHeader: try #require(again.json["csrfToken"].string)]
            let logout = try await api.call(.post, "/api/v1/auth/logout", headers: rotatedCookie)
            #expect(logout.status == .noContent)
            #expect(logout.headers[values: .setCookie].allSatisfy { $0.contains("Max-Age=0") })
            try await api.get("/api/v1/auth/me", headers: rotatedCookie).expectProblem(.unauthorized)

            // Sessions expire on the server, whatever the browser keeps.
            let third = try await api.post("/api/v1/auth/login", #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#)
            let thirdCookie: HTTPFields = [.cookie: "tandem_session=\(cookieValue(try #require(third.headers[values: .setCookie].first { $0.hasPrefix("tandem_session=") })))"]
            #expect(try await api.get("/api/v1/auth/me", headers: thirdCookie).status == .ok)
            clock.advance(by: 12 * 3600 + 1)
            try await api.get("/api/v1/auth/me", headers: thirdCookie).expectProblem(.unauthorized)
        }
    }

    @Test("Secure cookies follow the scheme: plain http gets none; a trusted proxy's X-Forwarded-Proto: https gets them", arguments: StoreKind.available)
    func secureFlagBehindProxy(kind: StoreKind) async throws {
        var config = testConfig()
        config.publicURL = "http://localhost:8080"
        config.limits.trustedProxies = ["127.0.0.1/32", "::1"]
        try await withTandem(store: kind, mode: .live, config: config) { api in
            let body = #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#
            let plain = try await api.post("/api/v1/auth/login", body)
            #expect(plain.headers[values: .setCookie].allSatisfy { !$0.contains("Secure") })
            let proxied = try await api.post("/api/v1/auth/login", body, headers: [.xForwardedProto: "https"])
            #expect(proxied.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
        }
    }

    @Test("API tokens: shown once, act with the account's roles, revocable, expire; disabling an account locks it out", arguments: StoreKind.available)
    func apiTokens(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            let organiser = try await api.account(.organiser)
            let created = try await organiser.post("/api/v1/auth/tokens", #"{"name":"schedule sync","expiresInDays":1}"#)
            #expect(created.status == .created)
            let secret = try #require(created.json["token"].string)
            let tokenID = try #require(created.json["id"].int)
            #expect(created.json["expiresAt"].string?.hasPrefix("2017-06-02T10:00:00") == true) // a day after the test clock's now
            let listed = try await organiser.get("/api/v1/auth/tokens").json["items"].array
            #expect(listed.count == 1 && listed[0]["token"] == .null && listed[0]["name"].string == "schedule sync")
            try await organiser.post("/api/v1/auth/tokens", #"{"name":"","expiresInDays":1000}"#).expectProblem(.unprocessableContent)

            var script = api
            script.token = secret
            #expect(try await script.get("/api/v1/auth/me").json["authenticatedBy"].string == "api-token")
            #expect(try await script.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#).status == .created)
            try await script.get("/api/v1/accounts").expectProblem(.forbidden)
            let audit = try await admin.get("/api/v1/events/hamburg-2017/changes").json["items"].array
            #expect(audit.first?["actor"].string == "organiser@example.org (token: schedule sync)")

            // Another organiser cannot revoke it; its owner can.
            let other = try await api.account(.organiser, email: "other@example.org")
            try await other.delete("/api/v1/auth/tokens/\(tokenID)").expectProblem(.notFound)
            let revoked = try await organiser.delete("/api/v1/auth/tokens/\(tokenID)")
            #expect(revoked.json["revokedAt"].string != nil, "\(revoked.status) \(revoked.text)")
            try await script.get("/api/v1/auth/me").expectProblem(.unauthorized)

            // Expiry.
            let second = try #require(try await organiser.post("/api/v1/auth/tokens", #"{"name":"nightly","expiresInDays":1}"#).json["token"].string)
            script.token = second
            #expect(try await script.get("/api/v1/auth/me").status == .ok)
            clock.advance(by: 86_400 + 1)
            try await script.get("/api/v1/auth/me").expectProblem(.unauthorized)

            // Disabling an account ends its tokens and sessions at once; a password reset ends its logins.
            let freshAdmin = try await api.login()
            let fresh = try await api.login("other@example.org", "a long enough password")
            let third = try #require(try await fresh.post("/api/v1/auth/tokens", #"{"name":"x"}"#).json["token"].string)
            let otherID = try #require(try await freshAdmin.get("/api/v1/accounts").json["items"].array.first { $0["email"].string == "other@example.org" }?["id"].int)
            try await freshAdmin.patch("/api/v1/accounts/\(otherID)", #"{"password":"short"}"#).expectProblem(.unprocessableContent)
            #expect(try await freshAdmin.patch("/api/v1/accounts/\(otherID)", #"{"password":"a brand new long password"}"#).status == .ok)
            try await fresh.get("/api/v1/auth/me").expectProblem(.unauthorized)
            #expect(try await freshAdmin.patch("/api/v1/accounts/\(otherID)", #"{"disabled":true}"#).json["disabled"].bool == true)
            script.token = third
            try await script.get("/api/v1/auth/me").expectProblem(.unauthorized)
            try await api.post("/api/v1/auth/login", #"{"email":"other@example.org","password":"a brand new long password"}"#)
                .expectProblem(.unauthorized)
            // An admin cannot lock themselves out.
            let me = try #require(try await freshAdmin.get("/api/v1/auth/me").json["id"].int)
            try await freshAdmin.patch("/api/v1/accounts/\(me)", #"{"disabled":true}"#).expectProblem(.unprocessableContent)
        }
    }

    @Test("login throttling: after 5 failures per account, then per address, each try waits twice as long", arguments: StoreKind.available)
    func loginThrottling(kind: StoreKind) async throws {
        let clock = TestClock()
        var config = testConfig()
        config.limits.enabled = true
        try await withTandem(store: kind, clock: clock, config: config) { api in
            let wrong = #"{"email":"\#(adminEmail)","password":"not the password"}"#
            let right = #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#
            for _ in 1...5 { try await api.post("/api/v1/auth/login", wrong).expectProblem(.unauthorized) }
            // Even the right password must wait now: 1 s after the 5th failure.
            let locked = try await api.post("/api/v1/auth/login", right)
            locked.expectProblem(.tooManyRequests, code: "rate-limited")
            #expect(locked.headers[.retryAfter] == "1")
            clock.advance(by: 1.5)
            try await api.post("/api/v1/auth/login", wrong).expectProblem(.unauthorized)
            // The 6th failure doubles the wait.
            #expect(try await api.post("/api/v1/auth/login", right).headers[.retryAfter] == "2")
            clock.advance(by: 2.5)
            #expect(try await api.post("/api/v1/auth/login", right).status == .ok)
            // Success resets the account, not the address: the address's 7th failure (another account) makes
            // the next try from it wait, whichever account it names. (A minute on: past the 2 s wait,
            // well within the 15 minutes after which the pruning job forgets an address's failures.)
            clock.advance(by: 60)
            try await api.post("/api/v1/auth/login", #"{"email":"nobody@example.org","password":"whatever it is"}"#).expectProblem(.unauthorized)
            try await api.post("/api/v1/auth/login", #"{"email":"someone@example.org","password":"whatever it is"}"#)
                .expectProblem(.tooManyRequests)
        }
    }

    @Test("registration limits: per address and per event, refilled over time (injected clock)", arguments: StoreKind.available)
    func registrationLimits(kind: StoreKind) async throws {
        let clock = TestClock()
        var config = testConfig()
        config.limits.enabled = true
        config.limits.registrationsPerAddressPerMinute = 3
        config.limits.registrationsPerEventPerMinute = 5
        try await withTandem(store: kind, clock: clock, config: config) { api in
            let admin = try await api.login()
            _ = try await admin.openEvent(capacity: 100)
            for n in 1...3 { #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(n)).status == .created) }
            let limited = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(4))
            limited.expectProblem(.tooManyRequests, code: "rate-limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") == 20)
            #expect(try await api.get("/api/v1/events/hamburg-2017").json["seats"]["confirmed"].int == 3)
            clock.advance(by: 20)
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(4)).status == .created)
            try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(5)).expectProblem(.tooManyRequests)
        }
        var perEvent = testConfig()
        perEvent.limits.enabled = true
        perEvent.limits.registrationsPerEventPerMinute = 2
        try await withTandem(store: kind, clock: clock, config: perEvent) { api in
            let admin = try await api.login()
            _ = try await admin.openEvent(capacity: 100)
            for n in 1...2 { #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(n)).status == .created) }
            let busy = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(3)).expectProblem(.tooManyRequests)
            #expect(busy["detail"].string?.contains("Many people are registering") == true)
        }
    }

    @Test("X-Forwarded-For counts only from trusted proxies; live connections are limited per address", arguments: StoreKind.available)
    func forwardedForAndLiveLimit(kind: StoreKind) async throws {
        var config = testConfig()
        config.limits.enabled = true
        config.limits.registrationsPerAddressPerMinute = 1
        config.limits.liveConnectionsPerAddress = 2
        config.limits.trustedProxies = ["127.0.0.1", "::1"]
        try await withTandem(store: kind, mode: .live, config: config) { api in
            let admin = try await api.login()
            _ = try await admin.openEvent(capacity: 100, year: "2040")
            let a: HTTPFields = [.xForwardedFor: "198.51.100.7"]
            let b: HTTPFields = [.xForwardedFor: "203.0.113.9, 198.51.100.8"]
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1), headers: a).status == .created)
            try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2), headers: a).expectProblem(.tooManyRequests)
            // The rightmost untrusted address is the client: 198.51.100.8, not the spoofable 203.0.113.9.
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(3), headers: b).status == .created)
            try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(4), headers: [.xForwardedFor: "198.51.100.8"])
                .expectProblem(.tooManyRequests)

            let port = try #require(api.port)
            let first = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
            let second = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
            _ = try await first.messages(count: 1)
            _ = try await second.messages(count: 1)
            let third = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
            await #expect(throws: (any Error).self) { _ = try await third.closeFrame(timeout: .seconds(5)) }
            first.disconnect()
            var admitted = false
            // The server releases the slot when it sees the close; each retry waits up to 2 s for
            // its snapshot (a loaded machine, or a store that reads it from PostgreSQL, is slower).
            for _ in 0..<12 where !admitted {
                let retry = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
                let deadline = ContinuousClock.now + .seconds(2)
                while ContinuousClock.now < deadline, await retry.received.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                admitted = await !retry.received.isEmpty
                retry.disconnect()
                if !admitted { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(admitted, "a freed slot admits a new connection")
            second.disconnect()
        }
    }

    @Test("audit log: every organiser action with actor and time, paged; organisers of the event only", arguments: StoreKind.available)
    func auditLog(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let workshop = try await admin.openEvent(capacity: 1)
            let room = try #require(try await admin.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room B"}"#).json["id"].int)
            let organiser = try await api.eventAccount("local@example.org", role: "organiser", event: "hamburg-2017")
            #expect(try await organiser.patch("/api/v1/events/hamburg-2017/sessions/\(workshop)", #"{"roomId":\#(room)}"#).status == .ok)
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/delays", #"{"roomId":\#(room),"from":"2017-06-15T09:00:00+02:00","minutes":15}"#).status == .ok)
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Room B runs late"}}"#).status == .created)
            let first = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1)).json
            let second = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2)).json
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/checkins", try await api.checkInBody(token: first["token"].string ?? "")).status == .ok)
            let firstID = try #require(first["id"].int)
            #expect(second["status"].string == "waitlisted")
            // Cancelling the confirmed one promotes the waitlisted one (a free seat never waits for a manual promote).
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/registrations/\(firstID)/cancel", "{}").status == .ok)
            #expect(try await organiser.get("/api/v1/events/hamburg-2017/registrations/\(firstID)/export").status == .ok)
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/registrations/\(firstID)/erase", "{}").status == .ok)

            let log = try await organiser.get("/api/v1/events/hamburg-2017/changes?limit=200")
            #expect(log.headers[.cacheControl] == "no-store")
            let items = log.json["items"].array
            let byOrganiser = items.filter { $0["actor"].string == "local@example.org" }.compactMap { $0["action"].string }
            for action in ["session.updated", "schedule.delayed", "announcement.created", "registration.checked-in", "registration.cancelled",
                           "seats.changed", "registration.exported", "registration.erased"] {
                #expect(byOrganiser.contains(action), "\(action) in \(byOrganiser)")
            }
            // The admin's own setup is there too, attendees' registrations are not (they are not organiser actions).
            #expect(items.contains { $0["actor"].string == adminEmail && $0["action"].string == "event.created" })
            #expect(!items.contains { $0["actor"].string == "attendee" })
            let moved = try #require(items.first { $0["action"].string == "session.updated" })
            #expect(moved["seq"].int != nil && moved["data"]["session"]["roomID"].int == room)
            #expect(items.first { $0["action"].string == "registration.checked-in" }?["data"]["registrationId"].string == String(firstID))
            // Newest first, paged by cursor.
            let page = try await organiser.get("/api/v1/events/hamburg-2017/changes?limit=2").json
            #expect(page["items"].array.count == 2 && page["items"][0]["id"].int == items[0]["id"].int)
            let next = try #require(page["next"].string)
            #expect(try await organiser.get("/api/v1/events/hamburg-2017/changes?limit=2&cursor=\(next)").json["items"][0]["id"].int == items[2]["id"].int)
            try await organiser.get("/api/v1/events/hamburg-2017/changes?cursor=abc").expectProblem(.unprocessableContent)
            // Programme-wide log: accounts and roles, for admins only.
            let programme = try await admin.get("/api/v1/audit?limit=200").json["items"].array.compactMap { $0["action"].string }
            #expect(programme.contains("account.created") && programme.contains("role.granted"))
            try await organiser.get("/api/v1/audit").expectProblem(.forbidden)
            let volunteer = try await api.eventAccount("door@example.org", role: "checkin", event: "hamburg-2017")
            try await volunteer.get("/api/v1/events/hamburg-2017/changes").expectProblem(.forbidden)
        }
    }

    @Test("headers: CSP without inline script, nosniff, referrer policy, no framing; CORS off unless the origin is listed", arguments: StoreKind.available)
    func headersAndCORS(kind: StoreKind) async throws {
        var config = testConfig()
        config.corsOrigins = ["https://partner.example.org"]
        try await withTandem(store: kind, config: config) { api in
            for path in ["/api/v1/events", "/events/anything", "/api/v1/nothing-here"] {
                let reply = try await api.get(path)
                let csp = try #require(reply.headers[.contentSecurityPolicy], "CSP on \(path)")
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"))
                #expect(reply.headers[.xContentTypeOptions] == "nosniff")
                #expect(reply.headers[.referrerPolicy] == "same-origin")
            }
            #expect(try await api.get("/api/v1/events").headers[.accessControlAllowOrigin] == nil)
            let listed = try await api.get("/api/v1/events", headers: [.origin: "https://partner.example.org"])
            #expect(listed.headers[.accessControlAllowOrigin] == "https://partner.example.org")
            let other = try await api.get("/api/v1/events", headers: [.origin: "https://evil.example.com"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
            let preflight = try await api.call(.options, "/api/v1/events", headers: [.origin: "https://partner.example.org", .accessControlRequestMethod: "POST"])
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
        }
    }
}

extension API {
    /// A `member` account with `role` on `event`, logged in.
    func eventAccount(_ email: String, role: String, event: String) async throws -> API {
        let admin = try await login()
        let created = try await admin.post("/api/v1/accounts", #"{"email":"\#(email)","name":"Member","password":"a long enough password","role":"member"}"#)
        let id = try #require(created.json["id"].int, "account: \(created.text)")
        let granted = try await admin.call(.put, "/api/v1/accounts/\(id)/events/\(event)", json: #"{"role":"\#(role)"}"#)
        try #require(granted.status == .ok, "grant: \(granted.text)")
        return try await login(email, "a long enough password")
    }
}

/// The value of a `Set-Cookie` line.
func cookieValue(_ setCookie: String) -> String {
    String(setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
}
