import Foundation
import HTTPTypes
import Testing
@testable import TandemServer
import TandemCore
import TandemTestSupport

/// An event in Shanghai (UTC+8) with three workshops: A (1½ h, one seat), B (2 h), C (1 h, cancelled
/// later), and attendees registered through the API.
private struct CertificateFixture {
    var workshops: [Int]
    var tokens: [String]
    var ids: [Int]

    /// `hamburg-2017` is held in Shanghai from 15 June 08:00 to 16 June 18:00 (+08:00).
    static let end = at("2017-06-16 18:00", "Asia/Shanghai")

    static func make(_ api: API, admin: API, slug: String = "hamburg-2017", attendees: Int = 4) async throws -> CertificateFixture {
        let event = Body.event(slug: slug, zone: "Asia/Shanghai", start: "2017-06-15T08:00:00+08:00", end: "2017-06-16T18:00:00+08:00")
        try #require(try await admin.post("/api/v1/events", event).status == .created)
        let room = try #require(try await admin.post("/api/v1/events/\(slug)/rooms", #"{"name":"Room A"}"#).json["id"].int)
        var workshops: [Int] = []
        // Given in UTC: the certificate shows them in the venue's zone.
        for (start, end, title, seats) in [("2017-06-15T02:00:00Z", "2017-06-15T03:30:00Z", "Fundraising", 1),
                                           ("2017-06-15T06:00:00Z", "2017-06-15T08:00:00Z", "Volunteer management", 20),
                                           ("2017-06-16T01:00:00Z", "2017-06-16T02:00:00Z", "Cancelled later", 20)] {
            let body = Body.session(room: room, start: start, end: end, title: title, capacity: seats)
            workshops.append(try #require(try await admin.post("/api/v1/events/\(slug)/sessions", body).json["id"].int))
        }
        var tokens: [String] = [], ids: [Int] = []
        for n in 1...attendees {
            let reply = try await api.post("/api/v1/events/\(slug)/registrations",
                                           Attendee.body(n, name: n == 1 ? "<b>Lí Wěi</b> & 李伟" : nil, sessions: workshops)).json
            tokens.append(try #require(reply["token"].string))
            ids.append(try #require(reply["id"].int))
        }
        return CertificateFixture(workshops: workshops, tokens: tokens, ids: ids)
    }
}

extension API {
    /// A member account named `name` with `role` for `event`, logged in.
    func named(_ name: String, email: String, role: String, event: String) async throws -> API {
        let admin = try await login()
        let created = try await admin.post("/api/v1/accounts", #"{"email":"\#(email)","name":"\#(name)","password":"a long enough password","role":"member"}"#)
        let id = try #require(created.json["id"].int, "account: \(created.text)")
        try #require(try await admin.call(.put, "/api/v1/accounts/\(id)/events/\(event)", json: #"{"role":"\#(role)"}"#).status == .ok)
        return try await login(email, "a long enough password")
    }

    func certificate(_ token: String) async throws -> Reply { try await get("/api/v1/registrations/\(token)/certificate") }
}

@Suite("Certificates of attendance", .timeLimit(.minutes(5)))
struct CertificateTests {
    @Test("after the event, a checked-in attendee's certificate lists the workshops held a seat in, in the venue's zone, with hours; before the end, without check-in, or cancelled there is none, and the reason is given",
          .timeLimit(.minutes(3)),
          arguments: StoreKind.available)
    func attendeeCertificate(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            let admin = try await api.login()
            let f = try await CertificateFixture.make(api, admin: admin)
            _ = try await api.named("Wang Fang", email: "wang@example.org", role: "organiser", event: "hamburg-2017")
            _ = try await api.named("Anna Schmidt", email: "anna@example.org", role: "organiser", event: "hamburg-2017")
            // Attendees 1 and 2 come; 2 only waited for workshop A (one seat); 3 does not come; 4 cancels after the check-in.
            for n in [0, 1, 3] {
                #expect(try await admin.post("/api/v1/events/hamburg-2017/checkins", try await api.checkInBody(token: f.tokens[n])).status == .ok)
            }
            #expect(try await admin.post("/api/v1/events/hamburg-2017/registrations/\(f.ids[3])/cancel", "{}").status == .ok)
            #expect(try await admin.delete("/api/v1/events/hamburg-2017/sessions/\(f.workshops[2])").status.code < 300)

            // During the event: not yet, for everyone.
            clock.set(CertificateFixture.end.addingTimeInterval(-60))
            try await api.certificate(f.tokens[0]).expectProblem(.conflict, code: "certificate-not-yet")
            try await api.certificate(f.tokens[2]).expectProblem(.conflict, code: "certificate-not-yet")

            clock.set(CertificateFixture.end)
            let reply = try await api.certificate(f.tokens[0])
            #expect(reply.status == .ok && reply.headers[.cacheControl] == "no-store", "\(reply.text)")
            let certificate = reply.json
            #expect(certificate["name"].string == "<b>Lí Wěi</b> & 李伟")
            #expect(certificate["event"]["title"]["zh"].string == "能力建设工作坊")
            #expect(certificate["event"]["startsAt"].string == "2017-06-15T08:00:00+08:00" && certificate["event"]["endsAt"].string == "2017-06-16T18:00:00+08:00")
            let workshops = certificate["workshops"].array
            #expect(workshops.map { $0["sessionId"].int } == [f.workshops[0], f.workshops[1]])
            #expect(workshops.map { $0["startsAt"].string } == ["2017-06-15T10:00:00+08:00", "2017-06-15T14:00:00+08:00"])
            #expect(workshops.map { $0["endsAt"].string } == ["2017-06-15T11:30:00+08:00", "2017-06-15T16:00:00+08:00"])
            #expect(workshops.map { $0["hours"] } == [.number(1.5), .number(2)])
            #expect(certificate["workshopHours"] == .number(3.5) && certificate["workshopMinutes"].int == 210)
            #expect(certificate["organisers"] == .array([.string("Anna Schmidt"), .string("Wang Fang")]))
            let code = try #require(certificate["verificationCode"].string)
            #expect(code.hasPrefix("\(f.ids[0])-") && code.count == "\(f.ids[0])".count + 20)
            #expect(certificate["verificationUrl"].string == "https://tandem.test/certificates/\(code)")
            #expect(!reply.text.contains(f.tokens[0]), "the certificate does not show the private token")

            // Attendee 2 waited for workshop A: only B counts.
            let second = try await api.certificate(f.tokens[1]).json
            #expect(second["workshops"].array.map { $0["sessionId"].int } == [f.workshops[1]] && second["workshopHours"] == .number(2))
            #expect(second["verificationCode"].string != code)

            let absent = try await api.certificate(f.tokens[2]).expectProblem(.conflict, code: "certificate-not-checked-in")
            #expect(absent["detail"].string?.contains("not checked in") == true)
            try await api.certificate(f.tokens[3]).expectProblem(.conflict, code: "certificate-cancelled")
            try await api.certificate(String(repeating: "x", count: 43)).expectProblem(.notFound)
            try await api.certificate("short").expectProblem(.notFound)

            // The page the private link opens.
            let page = try await api.get("/registrations/\(f.tokens[0])/certificate")
            #expect(page.status == .ok && page.text.contains("certificate.js"))
        }
    }

    @Test("a verification code verifies for anyone, typed loosely too; a changed or made-up code is not a Tandem certificate",
          .timeLimit(.minutes(3)), arguments: StoreKind.available)
    func verification(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            let admin = try await api.login()
            let f = try await CertificateFixture.make(api, admin: admin, attendees: 2)
            for token in f.tokens {
                #expect(try await admin.post("/api/v1/events/hamburg-2017/checkins", try await api.checkInBody(token: token)).status == .ok)
            }
            clock.set(CertificateFixture.end)
            let code = try #require(try await api.certificate(f.tokens[0]).json["verificationCode"].string)
            let other = try #require(try await api.certificate(f.tokens[1]).json["verificationCode"].string)

            let verified = try await api.get("/api/v1/certificates/\(code)")
            #expect(verified.status == .ok, "\(verified.text)")
            #expect(verified.json["genuine"].bool == true && verified.json["name"].string == "<b>Lí Wěi</b> & 李伟")
            #expect(verified.json["workshopHours"] == .number(4.5) && verified.json["event"]["slug"].string == "hamburg-2017", "workshops A, B and C")
            #expect(verified.json["event"]["startsAt"].string == "2017-06-15T08:00:00+08:00")
            #expect(verified.json["organisation"].isNull && verified.json["verificationUrl"].isNull, "only what the brief needs is public")
            // Lower case, groups apart with spaces, O for 0.
            let parts = code.lowercased().replacingOccurrences(of: "0", with: "o").split(separator: "-")
            let loose = "\(f.ids[0])-" + parts.dropFirst().joined(separator: "%20")
            #expect(try await api.get("/api/v1/certificates/\(loose)").json["genuine"].bool == true)

            // One character changed; another registration's check; a made-up number; garbage.
            let last = code.last!
            let changed = String(code.dropLast()) + (last == "Z" ? "Y" : "Z")
            let swapped = "\(f.ids[1])" + code.drop { $0 != "-" }
            let otherCheck = "\(f.ids[0])" + other.drop { $0 != "-" }
            for forged in [changed, swapped, otherCheck, "99999" + code.drop { $0 != "-" }, "hello", "1-AAAA", String(repeating: "7", count: 300)] {
                let problem = try await api.get("/api/v1/certificates/\(forged)").expectProblem(.notFound, code: "not-a-certificate")
                #expect(problem["title"].string == "Not a Tandem certificate")
                try await api.get("/api/v1/certificates/\(forged)/qr.svg").expectProblem(.notFound, code: "not-a-certificate")
            }

            let qr = try await api.get("/api/v1/certificates/\(code)/qr.svg")
            #expect(qr.status == .ok && qr.headers[.contentType] == "image/svg+xml" && qr.text.contains("https://tandem.test/certificates/\(code)"))
            let page = try await api.get("/certificates/\(code)")
            #expect(page.status == .ok && page.text.contains("verify-certificate.js"))

            // A certificate whose registration is cancelled afterwards no longer verifies.
            // (Two weeks on, the admin logs in again.)
            #expect(try await api.login().post("/api/v1/events/hamburg-2017/registrations/\(f.ids[1])/cancel", "{}").status == .ok)
            try await api.get("/api/v1/certificates/\(other)").expectProblem(.notFound, code: "not-a-certificate")
        }
    }

    @Test("the codes are keyed by the server's secret: another secret signs other codes, and a code reads back")
    func codes() throws {
        let one = CertificateSigner(secret: .init(data: Data(repeating: 1, count: 32)))
        let two = CertificateSigner(secret: .init(data: Data(repeating: 2, count: 32)))
        let code = one.code(for: Registration.ID(42))
        #expect(one.isSigned(code) && !two.isSigned(code) && two.code(for: Registration.ID(42)) != code)
        #expect(one.code(for: Registration.ID(42)) == code, "the same on every instance with the same secret")
        let text = code.description
        #expect(text.split(separator: "-").map(\.count) == [2, 4, 4, 4, 4])
        #expect(CertificateCode(text) == code && CertificateCode(" " + text.lowercased() + " ") == code)
        #expect(CertificateCode(text.replacingOccurrences(of: "0", with: "O")) == code)
        #expect(CertificateCode(String(text.dropLast())) == nil && CertificateCode("42") == nil && CertificateCode("-ABCD") == nil)
        #expect(!one.isSigned(CertificateCode(registrationID: 43, mac: Array(repeating: 0, count: 10))))
    }

    @Test("codes that do not verify are held back per address like failed logins")
    func guessesAreLimited() async throws {
        var config = testConfig()
        config.limits.enabled = true
        try await withTandem(config: config) { api in
            for _ in 0..<5 {
                try await api.get("/api/v1/certificates/1-AAAA-AAAA-AAAA-AAAA").expectProblem(.notFound, code: "not-a-certificate")
            }
            let held = try await api.get("/api/v1/certificates/1-AAAA-AAAA-AAAA-AAAA").expectProblem(.tooManyRequests, code: "rate-limited")
            #expect(held["detail"].string?.contains("verification codes") == true)
        }
    }

    @Test("the organiser prints every certificate of the event, or one; anonymous callers, check-in volunteers and organisers of another event are refused; a registration of another event is not found",
          .timeLimit(.minutes(3)),
          arguments: StoreKind.available)
    func organiserPrintOut(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { api in
            var admin = try await api.login()
            let f = try await CertificateFixture.make(api, admin: admin, attendees: 3)
            let other = try await CertificateFixture.make(api, admin: admin, slug: "other-2017", attendees: 1)
            var organiser = try await api.named("Wang Fang", email: "wang@example.org", role: "organiser", event: "hamburg-2017")
            var outsider = try await api.named("Someone Else", email: "else@example.org", role: "organiser", event: "other-2017")
            var volunteer = try await api.named("Door", email: "door@example.org", role: "checkin", event: "hamburg-2017")
            for n in [0, 2] {
                #expect(try await volunteer.post("/api/v1/events/hamburg-2017/checkins", try await api.checkInBody(token: f.tokens[n])).status == .ok)
            }
            #expect(try await admin.post("/api/v1/events/other-2017/checkins", try await api.checkInBody(token: other.tokens[0])).status == .ok)

            try await organiser.get("/api/v1/events/hamburg-2017/certificates").expectProblem(.conflict, code: "certificate-not-yet")
            clock.set(CertificateFixture.end)
            // Two weeks on, the log-ins of the 1st of June have expired: everyone logs in again.
            admin = try await api.login()
            organiser = try await api.login("wang@example.org", "a long enough password")
            outsider = try await api.login("else@example.org", "a long enough password")
            volunteer = try await api.login("door@example.org", "a long enough password")
            let all = try await organiser.get("/api/v1/events/hamburg-2017/certificates")
            #expect(all.status == .ok && all.headers[.cacheControl] == "no-store", "\(all.text)")
            #expect(all.json["items"].array.map { $0["registrationId"].int } == [f.ids[0], f.ids[2]] && all.json["next"].isNull)
            #expect(all.json["items"][0]["organisers"] == .array([.string("Wang Fang")]))
            let own = try await api.certificate(f.tokens[0]).json
            #expect(all.json["items"][0] == own, "the organiser's copy is the attendee's")
            #expect(try await admin.get("/api/v1/events/hamburg-2017/registrations/\(f.ids[2])/certificate").json == all.json["items"][1])
            try await organiser.get("/api/v1/events/hamburg-2017/registrations/\(f.ids[1])/certificate")
                .expectProblem(.conflict, code: "certificate-not-checked-in")

            for path in ["/api/v1/events/hamburg-2017/certificates", "/api/v1/events/hamburg-2017/registrations/\(f.ids[0])/certificate"] {
                try await api.get(path).expectProblem(.unauthorized)
                try await outsider.get(path).expectProblem(.forbidden)
                try await volunteer.get(path).expectProblem(.forbidden)
            }
            // Another event's registration, through this event's path (or the other way round): not found.
            try await organiser.get("/api/v1/events/hamburg-2017/registrations/\(other.ids[0])/certificate").expectProblem(.notFound)
            try await outsider.get("/api/v1/events/other-2017/registrations/\(f.ids[0])/certificate").expectProblem(.notFound)
            #expect(try await outsider.get("/api/v1/events/other-2017/certificates").json["items"].array.map { $0["registrationId"].int } == [other.ids[0]])
            try await admin.get("/api/v1/events/nowhere/certificates").expectProblem(.notFound)
            #expect(try await api.get("/admin/certificates/hamburg-2017").status == .ok)
        }
    }
}
