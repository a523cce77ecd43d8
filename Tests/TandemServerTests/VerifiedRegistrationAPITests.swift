import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

extension API {
    /// The texts of the delivered e-mails: every base64 part, decoded.
    func deliveredTexts() -> [String] {
        deliveredMail().map { message in
            message.components(separatedBy: "\r\n\r\n").dropFirst().compactMap { chunk -> String? in
                let part = chunk.components(separatedBy: "\r\n--").first ?? chunk
                guard let data = Data(base64Encoded: part.replacingOccurrences(of: "\r\n", with: "")) else { return nil }
                return String(data: data, encoding: .utf8)
            }.joined(separator: "\n")
        }
    }

    /// Waits for the `count`-th e-mail with a confirmation link, and returns the links' tokens in order.
    func confirmationTokens(count: Int) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let tokens = deliveredTexts().compactMap { text -> String? in
                guard let range = text.range(of: #"/registrations/([A-Za-z0-9_-]{20,})/confirm"#, options: .regularExpression) else { return nil }
                return String(text[range].dropFirst("/registrations/".count).dropLast("/confirm".count))
            }
            if tokens.count >= count || ContinuousClock.now >= deadline { return tokens }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// `verified` events over HTTP: the same 202 for every address, the e-mailed link, the pages.
@Suite("Registration API: verified mode", .timeLimit(.minutes(5)))
struct VerifiedRegistrationAPITests {
    static let register = "/api/v1/events/hamburg-2017/registrations"

    /// Headers that may differ between two answers: the time and the request's id.
    static func comparable(_ headers: HTTPFields) -> [String] {
        headers.filter { $0.name != .date && $0.name.canonicalName != "x-request-id" }.map { "\($0.name.canonicalName): \($0.value)" }.sorted()
    }

    @Test("202 with byte-for-byte the same body and headers for a new and a known address; the known one is told by e-mail", arguments: StoreKind.available)
    func sameAnswer(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(mode: "verified")
            let new = try await anonymous.post(Self.register, Attendee.body(1))
            #expect(new.status == .accepted, "\(new.text)")
            #expect(new.json["status"].string == "check-email")
            #expect(new.json["token"] == .null && new.json["id"] == .null && new.headers[.location] == nil)
            let known = try await anonymous.post(Self.register, Attendee.body(1, name: "Someone Else").replacingOccurrences(of: "attendee1@", with: "ATTENDEE1@"))
            #expect(known.status == new.status)
            #expect(known.body == new.body)
            #expect(Self.comparable(known.headers) == Self.comparable(new.headers))
            let texts = try await anonymous.waitForMail(count: 2)
            #expect(texts.count == 2)
            #expect(anonymous.deliveredTexts().contains { $0.contains("someone (probably you) tried to register this address") })
            // Still one registration, held as pending.
            let list = try await admin.get("/api/v1/events/hamburg-2017/registrations").json["items"]
            #expect(list.array.count == 1 && list[0]["status"].string == "pending" && list[0]["heldPlace"].string == "seat", "\(list)")
            #expect(list[0]["name"].string == "Attendee 1")
        }
    }

    @Test("the e-mailed link: a page with a button in both languages; the button confirms in place; the API confirms too", arguments: StoreKind.available)
    func confirmLink(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(capacity: 1, mode: "verified")
            #expect(try await anonymous.post(Self.register, Attendee.body(1, language: "zh")).status == .accepted)
            #expect(try await anonymous.post(Self.register, Attendee.body(2)).status == .accepted)
            let seats = try await anonymous.get("/api/v1/events/hamburg-2017").json["seats"]
            #expect(seats["confirmed"].int == 1 && seats["waitlisted"].int == 1 && seats["available"].int == 0, "pending places are taken")
            let listed = { (status: String) in try await admin.get("/api/v1/events/hamburg-2017/registrations?status=\(status)").json["items"].array.count }
            let (pendingBefore, confirmedBefore, waitlistedBefore) = (try await listed("pending"), try await listed("confirmed"), try await listed("waitlisted"))
            #expect(pendingBefore == 2 && confirmedBefore == 0 && waitlistedBefore == 0)
            let tokens = try await anonymous.confirmationTokens(count: 2)
            try #require(tokens.count == 2)
            let pending = try await anonymous.get("/api/v1/registrations/\(tokens[0])").json
            #expect(pending["status"].string == "pending" && pending["holdExpiresAt"].string == "2017-06-01T12:30:00+02:00", "\(pending)")
            #expect(pending["checkInCode"] == .null, "an unconfirmed hold has no check-in code yet")

            let page = try await anonymous.get("/registrations/\(tokens[0])/confirm")
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("确认报名") && page.text.contains("Confirm my registration") && page.text.contains("<html lang=\"zh\">"))
            #expect(try await anonymous.get("/api/v1/registrations/\(tokens[0])").json["status"].string == "pending", "opening the link confirms nothing")
            let confirmed = try await anonymous.call(.post, "/registrations/\(tokens[0])/confirm")
            #expect(confirmed.status == .seeOther && confirmed.headers[.location] == "/registrations/\(tokens[0])")
            let own = try await anonymous.get("/api/v1/registrations/\(tokens[0])").json
            #expect(own["status"].string == "confirmed" && own["holdExpiresAt"] == .null)
            #expect(own["checkInCode"].string != nil, "a confirmed place has its check-in code")
            let (pendingAfter, confirmedAfter) = (try await listed("pending"), try await listed("confirmed"))
            #expect(pendingAfter == 1 && confirmedAfter == 1)
            // The second, on the waitlist, confirms through the API and keeps its place.
            let second = try await anonymous.call(.post, "/api/v1/registrations/\(tokens[1])/confirm")
            #expect(second.status == .ok && second.json["status"].string == "waitlisted" && second.json["waitlistPosition"].int == 1, "\(second.text)")
            // Nothing left to confirm: the link goes on to the self-service page.
            #expect(try await anonymous.get("/registrations/\(tokens[0])/confirm").status == .seeOther)
        }
    }

    @Test("confirming after the hold expired: a clear page in both languages (410), and 410 hold-expired from the API", arguments: StoreKind.available)
    func expired(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(capacity: 1, mode: "verified", extra: #","holdMinutes":10"#)
            #expect(try await anonymous.post(Self.register, Attendee.body(1)).status == .accepted)
            let token = try #require(try await anonymous.confirmationTokens(count: 1).first)
            clock.advance(by: 10 * 60)
            let page = try await anonymous.get("/registrations/\(token)/confirm")
            #expect(page.status == .gone && page.text.contains("This hold expired") && page.text.contains("保留已过期"), "\(page.text)")
            #expect(page.text.contains("href=\"/events/hamburg-2017/register?lang=en\""))
            let post = try await anonymous.call(.post, "/registrations/\(token)/confirm")
            #expect(post.status == .gone && post.text.contains("This hold expired"))
            try await anonymous.call(.post, "/api/v1/registrations/\(token)/confirm").expectProblem(.gone, code: "hold-expired")
            #expect(try await anonymous.get("/api/v1/events/hamburg-2017").json["seats"]["confirmed"].int == 0, "the seat is free again")
        }
    }

    @Test("new events default to verified with 30-minute holds; the mode and hold are validated and can be changed", arguments: StoreKind.available)
    func defaults(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            let created = try await admin.post("/api/v1/events", Body.event(mode: nil))
            #expect(created.json["registrationMode"].string == "verified" && created.json["holdMinutes"].int == 30, "\(created.text)")
            let changed = try await admin.patch("/api/v1/events/hamburg-2017", #"{"registrationMode":"instant","holdMinutes":60}"#)
            #expect(changed.json["registrationMode"].string == "instant" && changed.json["holdMinutes"].int == 60)
            let bad = try await admin.patch("/api/v1/events/hamburg-2017", #"{"holdMinutes":0}"#)
            bad.expectProblem(.unprocessableContent)
            #expect(bad.fieldErrors == ["holdMinutes"])
            let mode = try await admin.patch("/api/v1/events/hamburg-2017", #"{"registrationMode":"maybe"}"#)
            #expect(mode.status == .unprocessableContent || mode.status == .badRequest)
            #expect(mode.text.contains("instant, verified"))
        }
    }

    @Test("the demo kick-off uses verified registration; the fellows-only Hamburg workshop stays instant", arguments: StoreKind.available)
    func demo(kind: StoreKind) async throws {
        try await withTandem(store: kind, demo: true, clock: TestClock(at("2027-01-15 12:00"))) { anonymous in
            #expect(try await anonymous.get("/api/v1/events/twinning-kickoff-2027").json["registrationMode"].string == "verified")
            #expect(try await anonymous.get("/api/v1/events/cbw-hamburg-2017").json["registrationMode"].string == "instant")
            let reply = try await anonymous.post("/api/v1/events/twinning-kickoff-2027/registrations", Attendee.body(1))
            #expect(reply.status == .accepted && reply.json["status"].string == "check-email")
        }
    }

    @Test("the plain form on a verified event goes to the check-your-e-mail page, in the form's language, for every address", arguments: StoreKind.available)
    func plainForm(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(mode: "verified")
            let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let body = "name=%E5%BC%A0%E4%BC%9F&email=zhang%40example.org&language=zh&consent=yes"
            let first = try await anonymous.call(.post, "/events/hamburg-2017/register", json: body, headers: formType)
            let again = try await anonymous.call(.post, "/events/hamburg-2017/register", json: body, headers: formType)
            #expect(first.status == .seeOther && again.status == .seeOther)
            #expect(first.headers[.location] == "/events/hamburg-2017/register/sent?lang=zh" && again.headers[.location] == first.headers[.location])
            let page = try await anonymous.get("/events/hamburg-2017/register/sent?lang=zh")
            #expect(page.status == .ok && page.text.contains("<html lang=\"zh\">") && page.text.contains("请查收电子邮件") && page.text.contains("Check your e-mail"))
        }
    }
}
