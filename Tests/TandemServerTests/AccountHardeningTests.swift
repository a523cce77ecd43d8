import Foundation
import HTTPTypes
import TandemCore
@testable import TandemServer
import TandemTestSupport
import Testing

/// Issue 14, accounts: throttling that cannot become a lock-out, and credentials that end when they should.
@Suite("Accounts: no lock-out by strangers; credentials end when they should", .timeLimit(.minutes(5)))
struct AccountHardeningTests {
    static func login(_ password: String, email: String = adminEmail) -> String {
        #"{"email":"\#(email)","password":"\#(password)"}"#
    }

    @Test("a stranger's failed guesses, from any addresses, never refuse the admin's right password from an address that has not failed",
          arguments: StoreKind.available)
    func noLockOut(kind: StoreKind) async throws {
        let clock = TestClock()
        var config = testConfig()
        config.limits.enabled = true
        config.limits.trustedProxies = ["127.0.0.1", "::1"]
        try await withTandem(store: kind, clock: clock, mode: .live, config: config) { api in
            // 40 wrong guesses from ten addresses: far past every threshold for the account (the
            // later ones are already turned away, as their addresses have failed before).
            for n in 1...10 {
                for _ in 1...4 {
                    let status = try await api.post("/api/v1/auth/login", Self.login("a wrong guess, long"), headers: [.xForwardedFor: "198.51.100.\(n)"]).status
                    #expect(status == .unauthorized || status == .tooManyRequests)
                }
            }
            // One of the guessing addresses is now held back by the account's total, even with the right password…
            try await api.post("/api/v1/auth/login", Self.login(adminPassword), headers: [.xForwardedFor: "198.51.100.1"])
                .expectProblem(.tooManyRequests, code: "rate-limited")
            // …but the admin, from an address that has not failed, logs in at once.
            let admin = try await api.post("/api/v1/auth/login", Self.login(adminPassword), headers: [.xForwardedFor: "203.0.113.5"])
            #expect(admin.status == .ok, "\(admin.text)")
            // And the admin's own typos are throttled for the admin's address and account only.
            for _ in 1...5 {
                try await api.post("/api/v1/auth/login", Self.login("my own typo, long"), headers: [.xForwardedFor: "203.0.113.6"])
                    .expectProblem(.unauthorized)
            }
            try await api.post("/api/v1/auth/login", Self.login(adminPassword), headers: [.xForwardedFor: "203.0.113.6"])
                .expectProblem(.tooManyRequests)
            #expect(try await api.post("/api/v1/auth/login", Self.login(adminPassword), headers: [.xForwardedFor: "203.0.113.7"]).status == .ok)
        }
    }

    @Test("IPv6 clients are limited per /64; IPv4-mapped addresses as IPv4; the key is never raw text")
    func addressKeys() {
        #expect(Limits.addressKey("2001:db8:1:2::1") == Limits.addressKey("2001:db8:1:2:ffff:ee:dd:9"))
        #expect(Limits.addressKey("2001:db8:1:2::1") != Limits.addressKey("2001:db8:1:3::1"))
        #expect(Limits.addressKey("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(Limits.addressKey("::ffff:198.51.100.7") == "198.51.100.7")
        #expect(Limits.addressKey("198.51.100.7") == "198.51.100.7")
        #expect(Limits.addressKey("not an address") == "unparsed")
        #expect(Limits.addressKey(String(repeating: "a", count: 10_000)) == "unparsed")
    }

    @Test("a limiter's memory is bounded, whatever keys strangers make")
    func boundedBuckets() {
        let clock = TestClock()
        let bucket = TokenBucket(burst: 10, perMinute: 10, clock: clock)
        for n in 0..<(limiterMaxKeys + 10_000) { _ = bucket.take("key \(n)") }
        #expect(bucket.keyCount <= limiterMaxKeys)
        // Failed logins are counted in the database (shared by instances); the leader's pruning job
        // forgets a key once its back-off has run out (InstanceCoordinationTests.loginFailures).
    }

    @Test("registration buckets: taken only for an event that exists and a body that parsed; IPv6 per /64")
    func registrationBuckets() async throws {
        var config = testConfig()
        config.limits.enabled = true
        config.limits.registrationsPerAddressPerMinute = 1
        config.limits.trustedProxies = ["127.0.0.1", "::1"]
        try await withTandem(mode: .live, config: config) { api in
            let admin = try await api.login()
            _ = try await admin.openEvent(capacity: 100, year: "2040")
            let home: HTTPFields = [.xForwardedFor: "2001:db8:1:2::1"]
            // Garbage and unknown events cost nothing.
            try await api.post("/api/v1/events/hamburg-2017/registrations", #"{"name":"#, headers: home).expectProblem(.badRequest)
            try await api.post("/api/v1/events/hamburg-2017/registrations", #"{"name":"x"}"#, headers: home).expectProblem(.unprocessableContent)
            for n in 1...3 {
                try await api.post("/api/v1/events/no-such-event-\(n)/registrations", Attendee.body(n), headers: home).expectProblem(.notFound)
            }
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1), headers: home).status == .created)
            // Another address in the same /64 is the same client…
            try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2), headers: [.xForwardedFor: "2001:db8:1:2:abcd::7"])
                .expectProblem(.tooManyRequests)
            // …the next /64 is another.
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(3), headers: [.xForwardedFor: "2001:db8:1:3::1"])
                .status == .created)
        }
    }

    @Test("logout ends the login: its bearer token and its browser session together")
    func logoutEndsBoth() async throws {
        try await withTandem { api in
            for endWith in ["bearer", "session"] {
                let reply = try await api.post("/api/v1/auth/login", Self.login(adminPassword))
                let bearer = try #require(reply.json["token"].string)
                let csrf = try #require(reply.json["csrfToken"].string)
                let cookies = reply.headers[values: .setCookie].compactMap { $0.split(separator: ";").first }.joined(separator: "; ")
                let byCookie: HTTPFields = [.cookie: cookies]
                var byBearer = api
                byBearer.token = bearer
                #expect(try await api.get("/api/v1/auth/me", headers: byCookie).status == .ok)
                #expect(try await byBearer.get("/api/v1/auth/me").status == .ok)
                if endWith == "bearer" {
                    #expect(try await byBearer.post("/api/v1/auth/logout", "{}").status == .noContent)
                } else {
                    var headers = byCookie
                    headers[HTTPField.Name("X-CSRF-Token")!] = csrf
                    #expect(try await api.post("/api/v1/auth/logout", "{}", headers: headers).status == .noContent)
                }
                try await api.get("/api/v1/auth/me", headers: byCookie).expectProblem(.unauthorized)
                try await byBearer.get("/api/v1/auth/me").expectProblem(.unauthorized)
            }
            // Another login of the same account is untouched.
            let other = try await api.login()
            #expect(try await other.get("/api/v1/auth/me").status == .ok)
        }
    }

    @Test("an admin's password reset ends every credential of the account, API tokens included")
    func resetEndsAPITokens() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            let organiser = try await api.account(.organiser)
            var script = api
            script.token = try await organiser.post("/api/v1/auth/tokens", #"{"name":"sync","expiresInDays":30}"#).json["token"].string
            #expect(try await script.get("/api/v1/auth/me").status == .ok)
            let id = try #require(try await admin.get("/api/v1/accounts").json["items"].array.first { $0["role"].string == "organiser" }?["id"].int)
            #expect(try await admin.patch("/api/v1/accounts/\(id)", #"{"password":"a brand new long password"}"#).status == .ok)
            try await script.get("/api/v1/auth/me").expectProblem(.unauthorized)
            try await organiser.get("/api/v1/auth/me").expectProblem(.unauthorized)
            let tokens = try await admin.get("/api/v1/auth/tokens").json["items"].array
            #expect(tokens.count == 1 && tokens[0]["revokedAt"].string != nil, "kept on record as revoked")
        }
    }

    @Test("TANDEM_ADMIN_* creates a missing admin; it never re-enables a disabled account or undoes a changed password")
    func adminFromEnvironment() async throws {
        let config = testConfig()
        // First start: the admin is created.
        try await withTandem(config: config) { api in
            let admin = try await api.login()
            let me = try #require(try await admin.get("/api/v1/auth/me").json["id"].int)
            #expect(try await admin.patch("/api/v1/accounts/\(me)", #"{"password":"the admin chose this one"}"#).status == .ok)
        }
        // Restart with the same settings: the changed password stands.
        try await withTandem(config: config) { api in
            try await api.post("/api/v1/auth/login", Self.login(adminPassword)).expectProblem(.unauthorized)
            let admin = try await api.login(adminEmail, "the admin chose this one")
            // A second admin disables the first.
            _ = try await admin.post("/api/v1/accounts", #"{"email":"second@example.org","name":"Second","password":"a long enough password","role":"admin"}"#)
            let second = try await api.login("second@example.org", "a long enough password")
            let first = try #require(try await second.get("/api/v1/accounts").json["items"].array.first { $0["email"].string == adminEmail }?["id"].int)
            #expect(try await second.patch("/api/v1/accounts/\(first)", #"{"disabled":true}"#).status == .ok)
        }
        // Restart again: still disabled.
        try await withTandem(config: config) { api in
            try await api.post("/api/v1/auth/login", Self.login("the admin chose this one")).expectProblem(.unauthorized)
            try await api.post("/api/v1/auth/login", Self.login(adminPassword)).expectProblem(.unauthorized)
            let second = try await api.login("second@example.org", "a long enough password")
            #expect(try await second.get("/api/v1/accounts").json["items"].array.first { $0["email"].string == adminEmail }?["disabled"].bool == true)
        }
    }

    @Test("a password with NUL is refused where it is set, and never matches at login (bcrypt would stop at it)")
    func nulPasswords() async throws {
        #expect(!PasswordPolicy.validate("correct horse\u{0}battery").isEmpty)
        try await withTandem { api in
            let admin = try await api.login()
            try await admin.post("/api/v1/accounts", #"{"email":"nul@example.org","name":"N","password":"long enough\u0000then more","role":"organiser"}"#)
                .expectProblem(.unprocessableContent)
            // The right password, a NUL, and anything: bcrypt would read only the part before the NUL.
            let nul = #"{"email":"\#(adminEmail)","password":"\#(adminPassword)\u0000whatever"}"#
            try await api.post("/api/v1/auth/login", nul).expectProblem(.unauthorized)
        }
    }
}
