import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

extension API {
    /// Waits for `count` invitation e-mails, and returns their links' tokens in order.
    func inviteTokens(count: Int) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let tokens = deliveredTexts().compactMap { text -> String? in
                guard let range = text.range(of: #"/admin/set-password#[A-Za-z0-9_-]{20,}"#, options: .regularExpression) else { return nil }
                return String(text[range].dropFirst("/admin/set-password#".count))
            }
            if tokens.count >= count || ContinuousClock.now >= deadline { return tokens }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func setPassword(_ token: String, _ password: String = "a long enough password") async throws -> Reply {
        try await post("/api/v1/auth/set-password", #"{"token":"\#(token)","password":"\#(password)"}"#)
    }
}

@Suite("Organiser console: inviting people to the team with a one-time link", .timeLimit(.minutes(5)))
struct InviteTests {
    static let invite = #"{"email":"li.wei@example.org","name":"Li Wei","role":"organiser"}"#

    @Test("an invited account cannot log in until its link sets a password; the link works once; audited", arguments: StoreKind.available)
    func inviteAndSetPassword(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let reply = try await admin.post("/api/v1/accounts/invite", Self.invite)
            #expect(reply.status == .created, "\(reply.text)")
            let account = reply.json
            #expect(account["email"].string == "li.wei@example.org" && account["role"].string == "organiser")
            #expect(account["passwordSet"].bool == false && account["disabled"].bool == false)
            #expect(reply.headers[.location] == "/api/v1/accounts/\(account["id"].int ?? 0)")
            try await api.post("/api/v1/auth/login", #"{"email":"li.wei@example.org","password":""}"#).expectProblem(.unauthorized, code: "invalid-credentials")

            let token = try #require(try await api.inviteTokens(count: 1).first)
            let mail = try #require(api.deliveredTexts().first { $0.contains("/admin/set-password#") })
            #expect(mail.contains("https://tandem.test/admin/set-password#\(token)") && mail.contains("li.wei@example.org"))
            #expect(mail.contains("Dear Li Wei,") && mail.contains("Li Wei，您好："))
            #expect(try await api.post("/api/v1/auth/set-password", #"{"token":"\#(token)","password":"password1234"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["password"])

            let set = try await api.setPassword(token)
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.json["passwordSet"].bool == true && set.json["email"].string == "li.wei@example.org")
            let li = try await api.login("li.wei@example.org", "a long enough password")
            #expect(try await li.post("/api/v1/events", Body.event(slug: "li-2017")).status == .created, "an organiser now")

            let used = try await api.setPassword(token, "another long password")
            used.expectProblem(.badRequest, code: "invite-link-invalid")
            let unknown = try await api.setPassword(String(repeating: "x", count: 43))
            #expect(used.text == unknown.text, "used and unknown links get the same answer")
            try await api.login("li.wei@example.org", "a long enough password").get("/api/v1/auth/me").expectStatus(.ok)

            let audit = try await admin.get("/api/v1/audit?actor=li.wei@example.org&action=account.").json["items"].array
            #expect(audit.map { $0["action"].string } == ["account.password-set"])
            #expect(try await admin.get("/api/v1/audit?action=account.invited").json["items"][0]["data"]["account"].string == "li.wei@example.org")
            #expect(try await admin.get("/api/v1/accounts").json["items"].array.first { $0["email"].string == "li.wei@example.org" }?["passwordSet"].bool == true)
        }
    }

    @Test("a link works for 72 hours on the server's clock; an expired one gets the same answer as an unknown one", arguments: StoreKind.available)
    func expiry(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            let admin = try await api.login()
            #expect(try await admin.post("/api/v1/accounts/invite", Self.invite).status == .created)
            #expect(try await admin.post("/api/v1/accounts/invite", #"{"email":"ana@example.org","name":"Ana","role":"checkin"}"#).status == .created)
            let tokens = try await api.inviteTokens(count: 2)
            try #require(tokens.count == 2)
            clock.advance(by: 72 * 3600 - 60)
            #expect(try await api.setPassword(tokens[0]).status == .ok, "still valid a minute before")
            clock.advance(by: 120)
            let expired = try await api.setPassword(tokens[1])
            expired.expectProblem(.badRequest, code: "invite-link-invalid")
            let unknown = try await api.setPassword(String(repeating: "y", count: 43))
            #expect(expired.text == unknown.text)
            try await api.post("/api/v1/auth/login", #"{"email":"ana@example.org","password":"a long enough password"}"#).expectProblem(.unauthorized)

            // Invited again: a new link that works; the account had no password, so it may be.
            // (The admin's login of 72 hours ago has expired too.)
            let again = try await api.login().post("/api/v1/accounts/invite", #"{"email":"ANA@example.org","name":"Ana Silva","role":"organiser"}"#)
            #expect(again.status == .ok && again.json["name"].string == "Ana Silva" && again.json["role"].string == "organiser", "\(again.text)")
            let fresh = try #require(try await api.inviteTokens(count: 3).last)
            #expect(try await api.setPassword(fresh).status == .ok)
        }
    }

    @Test("inviting again ends the earlier link; disabling an invited account ends its link; a password reset ends it too",
          arguments: StoreKind.available)
    func linksEnd(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            #expect(try await admin.post("/api/v1/accounts/invite", Self.invite).status == .created)
            let first = try #require(try await api.inviteTokens(count: 1).first)
            #expect(try await admin.post("/api/v1/accounts/invite", Self.invite).status == .ok)
            let second = try #require(try await api.inviteTokens(count: 2).last)
            #expect(first != second)
            try await api.setPassword(first).expectProblem(.badRequest, code: "invite-link-invalid")

            let id = try #require(try await admin.get("/api/v1/accounts").json["items"].array.first { $0["email"].string == "li.wei@example.org" }?["id"].int)
            #expect(try await admin.patch("/api/v1/accounts/\(id)", #"{"disabled":true}"#).json["disabled"].bool == true)
            try await api.setPassword(second).expectProblem(.badRequest, code: "invite-link-invalid")
            let refused = try await admin.post("/api/v1/accounts/invite", Self.invite).expectProblem(.conflict, code: "conflict")
            #expect(refused["detail"].string?.contains("disabled") == true)

            #expect(try await admin.patch("/api/v1/accounts/\(id)", #"{"disabled":false}"#).status == .ok)
            #expect(try await admin.post("/api/v1/accounts/invite", Self.invite).status == .ok)
            let third = try #require(try await api.inviteTokens(count: 3).last)
            #expect(try await admin.patch("/api/v1/accounts/\(id)", #"{"password":"set by the admin instead"}"#).json["passwordSet"].bool == true)
            try await api.setPassword(third).expectProblem(.badRequest, code: "invite-link-invalid")
            let again = try await admin.post("/api/v1/accounts/invite", Self.invite).expectProblem(.conflict, code: "conflict")
            #expect(again["detail"].string?.contains("already has a password") == true)
            #expect(try await api.login("li.wei@example.org", "set by the admin instead").token != nil)
        }
    }

    @Test("what an invitation refuses: a bad address or role, an empty name, an address that has an account", arguments: StoreKind.available)
    func refusals(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            #expect(try await admin.post("/api/v1/accounts/invite", #"{"email":"nobody","name":" ","role":"organiser"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["email", "name"])
            #expect(try await admin.post("/api/v1/accounts/invite", #"{"email":"a@example.org","name":"A","role":"boss"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["role"])
            try await admin.post("/api/v1/accounts/invite", #"{"email":"\#(adminEmail)","name":"Me","role":"admin"}"#).expectProblem(.conflict)
            #expect(try await admin.get("/api/v1/accounts").json["items"].array.count == 1)
            try await api.post("/api/v1/auth/set-password", #"{"token":"x"}"#).expectProblem(.unprocessableContent)
            let organiser = try await api.account(.organiser)
            try await organiser.post("/api/v1/accounts/invite", Self.invite).expectProblem(.forbidden)
        }
    }

    @Test("links that do not work are throttled per address like failed logins", arguments: StoreKind.available)
    func throttled(kind: StoreKind) async throws {
        let clock = TestClock()
        var config = testConfig()
        config.limits.enabled = true
        try await withTandem(store: kind, clock: clock, config: config) { api in
            for n in 1...5 { try await api.setPassword(String(repeating: "z", count: 40 + n)).expectProblem(.badRequest) }
            let limited = try await api.setPassword(String(repeating: "z", count: 50))
            limited.expectProblem(.tooManyRequests, code: "rate-limited")
            #expect(limited.headers[.retryAfter] == "1")
            clock.advance(by: 1.5)
            try await api.setPassword(String(repeating: "z", count: 51)).expectProblem(.badRequest)
        }
    }
}

extension Reply {
    func expectStatus(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "body: \(text)", sourceLocation: sourceLocation)
    }
}
