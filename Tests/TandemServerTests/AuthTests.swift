import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Organiser authentication and roles", .timeLimit(.minutes(5)))
struct AuthTests {
    @Test("login gives a bearer token; a wrong password or unknown e-mail gives 401", arguments: StoreKind.available)
    func login(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let ok = try await api.post("/api/v1/auth/login", #"{"email":"admin@example.org","password":"correct horse battery staple"}"#)
            #expect(ok.status == .ok)
            #expect((ok.json["token"].string?.count ?? 0) >= 43)
            #expect(ok.json["account"]["role"].string == "admin")
            #expect(ok.headers[.cacheControl] == "no-store")
            try await api.post("/api/v1/auth/login", #"{"email":"admin@example.org","password":"wrong password here"}"#)
                .expectProblem(.unauthorized, code: "invalid-credentials")
            try await api.post("/api/v1/auth/login", #"{"email":"nobody@example.org","password":"correct horse battery staple"}"#)
                .expectProblem(.unauthorized, code: "invalid-credentials")
            try await api.post("/api/v1/auth/login", #"{"email":"admin@example.org"}"#).expectProblem(.unprocessableContent)
        }
    }

    @Test("organiser routes refuse anonymous callers and bad tokens with 401 and WWW-Authenticate", arguments: StoreKind.available, [
        (HTTPRequest.Method.post, "/api/v1/events"), (.patch, "/api/v1/events/hamburg-2017"), (.delete, "/api/v1/events/hamburg-2017"),
        (.post, "/api/v1/events/hamburg-2017/rooms"), (.patch, "/api/v1/events/hamburg-2017/rooms/1"), (.delete, "/api/v1/events/hamburg-2017/rooms/1"),
        (.post, "/api/v1/events/hamburg-2017/sessions"), (.patch, "/api/v1/events/hamburg-2017/sessions/1"),
        (.delete, "/api/v1/events/hamburg-2017/sessions/1"), (.post, "/api/v1/events/hamburg-2017/delays"),
        (.post, "/api/v1/events/hamburg-2017/announcements"), (.delete, "/api/v1/events/hamburg-2017/announcements/1"),
        (.post, "/api/v1/speakers"), (.patch, "/api/v1/speakers/1"), (.get, "/api/v1/accounts"), (.post, "/api/v1/accounts"),
        (.post, "/api/v1/auth/logout"), (.get, "/api/v1/auth/me"),
    ])
    func anonymousRefused(kind: StoreKind, _ route: (method: HTTPRequest.Method, path: String)) async throws {
        let (method, path) = route
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            let anonymous = try await api.call(method, path, json: "{}")
            anonymous.expectProblem(.unauthorized, code: "unauthenticated")
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            try await api.call(method, path, json: "{}", token: "not-a-real-token").expectProblem(.unauthorized)
            // Nothing changed.
            #expect(try await api.scheduleVersion("hamburg-2017") == 3)
        }
    }

    @Test("a check-in volunteer cannot edit the schedule; an organiser cannot manage accounts (403)", arguments: StoreKind.available)
    func roles(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            let checkin = try await api.account(.checkin)
            try await checkin.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#).expectProblem(.forbidden, code: "forbidden")
            try await checkin.post("/api/v1/events", Body.event(slug: "other")).expectProblem(.forbidden)
            let organiser = try await api.account(.organiser)
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C"}"#).status == .created)
            try await organiser.get("/api/v1/accounts").expectProblem(.forbidden)
            try await organiser.post("/api/v1/accounts", #"{"email":"x@example.org","name":"X","password":"a long enough password","role":"admin"}"#)
                .expectProblem(.forbidden)
            #expect(try await organiser.get("/api/v1/auth/me").json["role"].string == "organiser")
        }
    }

    @Test("accounts: passwords follow the policy, e-mails are unique; logout revokes the token", arguments: StoreKind.available)
    func accountsAndLogout(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let weak = try await admin.post("/api/v1/accounts", #"{"email":"o@example.org","name":"O","password":"short","role":"organiser"}"#)
            #expect(weak.expectProblem(.unprocessableContent)["errors"][0]["field"].string == "password")
            try await admin.post("/api/v1/accounts", #"{"email":"o@example.org","name":"O","password":"long enough password","role":"superuser"}"#)
                .expectProblem(.unprocessableContent)
            #expect(try await admin.post("/api/v1/accounts", #"{"email":"o@example.org","name":"O","password":"long enough password","role":"organiser"}"#).status == .created)
            try await admin.post("/api/v1/accounts", #"{"email":"O@example.org","name":"O","password":"long enough password","role":"organiser"}"#)
                .expectProblem(.conflict)
            #expect(try await admin.get("/api/v1/accounts").json["items"].array.count == 2)
            #expect(try await admin.call(.post, "/api/v1/auth/logout").status == .noContent)
            try await admin.get("/api/v1/auth/me").expectProblem(.unauthorized)
        }
    }

    @Test("tokens expire", arguments: StoreKind.available)
    func expiry(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            let admin = try await api.login()
            #expect(try await admin.get("/api/v1/auth/me").status == .ok)
            clock.advance(by: 12 * 3600 + 1)
            try await admin.get("/api/v1/auth/me").expectProblem(.unauthorized)
        }
    }
}
