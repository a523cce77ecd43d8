import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

/// A published event (capacity given) with one workshop session of `workshopSeats`; returns its id.
extension API {
    /// `year` moves the event (e.g. into the future, for a server on the real clock).
    func openEvent(slug: String = "hamburg-2017", capacity: Int = 60, workshopSeats: Int = 20, mode: String = "instant", extra: String = "",
                   year: String = "2017") async throws -> Int {
        let event = Body.event(slug: slug, mode: mode, extra: extra).replacingOccurrences(of: #""capacity":60"#, with: #""capacity":\#(capacity)"#)
            .replacingOccurrences(of: "2017-06-", with: "\(year)-06-")
        try #require(try await post("/api/v1/events", event).status == .created)
        let room = try #require(try await post("/api/v1/events/\(slug)/rooms", #"{"name":"Room A"}"#).json["id"].int)
        let session = Body.session(room: room, capacity: workshopSeats).replacingOccurrences(of: "2017-06-", with: "\(year)-06-")
        return try #require(try await post("/api/v1/events/\(slug)/sessions", session).json["id"].int)
    }
}

enum Attendee {
    static func body(_ n: Int, name: String? = nil, sessions: [Int] = [], language: String = "en", extra: String = "") -> String {
        let name = name ?? "Attendee \(n)"
        return #"{"name":"\#(name)","email":"attendee\#(n)@example.org","organisation":"NGO \#(n)","country":"de","language":"\#(language)","sessionIds":\#(sessions),"consent":true\#(extra)}"#
    }
}

@Suite("Registration API", .timeLimit(.minutes(5)))
struct RegistrationAPITests {
    @Test("register: 201 with status, token and link; names in any script are kept exactly; a confirmation e-mail goes out", arguments: StoreKind.available)
    func register(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            let workshop = try await admin.openEvent(capacity: 1)
            let name = "李伟 Müller-Łukasz مرحبا"
            let reply = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1, name: name, sessions: [workshop], language: "zh"))
            #expect(reply.status == .created)
            #expect(reply.json["status"].string == "confirmed")
            #expect(reply.json["name"].string == name)
            #expect(reply.json["sessions"][0]["status"].string == "confirmed")
            let token = try #require(reply.json["token"].string)
            #expect(token.count >= 43) // 256 bits, base64url
            #expect(reply.json["selfServiceUrl"].string == "https://tandem.test/registrations/\(token)")
            let second = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2))
            #expect(second.json["status"].string == "waitlisted" && second.json["waitlistPosition"].int == 1)
            let mail = try await anonymous.waitForMail(count: 2)
            #expect(mail.count == 2)
            #expect(mail.contains { $0.contains("To: =?UTF-8?B?") && $0.contains("Content-Type: text/calendar") })
            let seats = try await anonymous.get("/api/v1/events/hamburg-2017").json["seats"]
            #expect(seats["confirmed"].int == 1 && seats["waitlisted"].int == 1 && seats["available"].int == 0)
        }
    }

    @Test("every validation error names its field", arguments: StoreKind.available, [
        (Attendee.body(1).replacingOccurrences(of: #""email":"attendee1@example.org""#, with: #""email":"not an address""#), "email"),
        (Attendee.body(1, name: ""), "name"),
        (Attendee.body(1, name: String(repeating: "长", count: 201)), "name"),
        (Attendee.body(1).replacingOccurrences(of: #""consent":true"#, with: #""consent":false"#), "consent"),
        (Attendee.body(1).replacingOccurrences(of: #","consent":true"#, with: ""), "consent"),
        (Attendee.body(1).replacingOccurrences(of: #""country":"de""#, with: #""country":"Germany""#), "country"),
        (Attendee.body(1, language: "fr"), "language"),
        (Attendee.body(1).replacingOccurrences(of: #""country":"de""#, with: #""country":"ß""#), "country"),
        (Attendee.body(1, name: "Li\\nWei"), "name"),
        (Attendee.body(1, sessions: [9999]), "sessionIds"),
        (Attendee.body(1).replacingOccurrences(of: #""organisation":"NGO 1""#, with: #""organisation":"\#(String(repeating: "x", count: 301))""#), "organisation"),
    ])
    func validation(kind: StoreKind, _ input: (body: String, field: String)) async throws {
        let (body, field) = input
        try await withTandem(store: kind) { anonymous in
            _ = try await anonymous.login().openEvent()
            let reply = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", body)
            reply.expectProblem(.unprocessableContent, code: "validation-failed")
            #expect(reply.fieldErrors.contains(field), "\(reply.json["errors"])")
            #expect(try await anonymous.get("/api/v1/events/hamburg-2017").json["seats"]["confirmed"].int == 0)
        }
    }

    @Test("instant event, the same e-mail twice: 409 without the registration's id; closed window and drafts refused", arguments: StoreKind.available)
    func refusals(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(extra: #","registrationOpensAt":"2017-05-01T00:00:00+02:00","registrationClosesAt":"2017-06-10T00:00:00+02:00""#)
            let first = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1))
            #expect(first.status == .created)
            let again = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1).replacingOccurrences(of: "attendee1@", with: "ATTENDEE1@"))
            let problem = again.expectProblem(.conflict, code: "already-registered")
            #expect(problem["registrationId"] == .null)
            clock.set(at("2017-06-10 00:00"))
            let late = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2))
            #expect(late.expectProblem(.conflict, code: "registration-closed")["detail"].string?.contains("2017-06-10T00:00:00+02:00") == true)
            let organiser = try await anonymous.login() // the clock moved past the first token's lifetime
            let draft = try await organiser.post("/api/v1/events", Body.event(slug: "draft-event", status: "draft"))
            #expect(draft.status == .created, "\(draft.text)")
            try await anonymous.post("/api/v1/events/draft-event/registrations", Attendee.body(3)).expectProblem(.notFound)
            #expect(try await organiser.delete("/api/v1/events/hamburg-2017").status == .ok)
            clock.set(at("2017-06-01 00:00"))
            try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(4)).expectProblem(.conflict, code: "registration-closed")
        }
    }

    @Test("self-service: view, change workshops (with waitlist), cancel; the next in line is promoted", arguments: StoreKind.available)
    func selfService(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            let workshop = try await admin.openEvent(capacity: 2, workshopSeats: 1)
            let a = try #require(try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1, sessions: [workshop])).json["token"].string)
            let b = try #require(try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2)).json["token"].string)
            let c = try #require(try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(3)).json["token"].string)
            let own = try await anonymous.get("/api/v1/registrations/\(a)")
            #expect(own.json["event"]["slug"].string == "hamburg-2017" && own.json["sessions"][0]["status"].string == "confirmed")
            #expect(own.headers[.cacheControl] == "no-store")
            let joined = try await anonymous.patch("/api/v1/registrations/\(b)", #"{"sessionIds":[\#(workshop)]}"#)
            #expect(joined.json["sessions"][0]["status"].string == "waitlisted" && joined.json["sessions"][0]["waitlistPosition"].int == 1)
            let left = try await anonymous.patch("/api/v1/registrations/\(a)", #"{"sessionIds":[]}"#)
            #expect(left.json["sessions"].array.isEmpty)
            #expect(try await anonymous.get("/api/v1/registrations/\(b)").json["sessions"][0]["status"].string == "confirmed")
            let cancelled = try await anonymous.delete("/api/v1/registrations/\(a)")
            #expect(cancelled.json["status"].string == "cancelled" && cancelled.json["cancelledAt"].string != nil)
            #expect(try await anonymous.get("/api/v1/registrations/\(c)").json["status"].string == "confirmed")
            try await anonymous.patch("/api/v1/registrations/\(a)", #"{"sessionIds":[\#(workshop)]}"#).expectProblem(.conflict, code: "registration-cancelled")
            try await anonymous.get("/api/v1/registrations/not-a-real-token-at-all-000").expectProblem(.notFound)
        }
    }

    @Test("organiser tools: list and search with paging, check-in twice, promote, cancel, export, erase; roles enforced", arguments: StoreKind.available)
    func organiserTools(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(capacity: 3)
            var tokens: [String] = []
            for n in 1...5 {
                tokens.append(try #require(try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(n, name: n == 2 ? "Zhang Min 张敏" : nil)).json["token"].string))
            }
            let page = try await admin.get("/api/v1/events/hamburg-2017/registrations?limit=2")
            #expect(page.json["items"].array.count == 2)
            #expect(page.headers[.cacheControl] == "no-store") // personal data
            let next = try #require(page.json["next"].string)
            let rest = try await admin.get("/api/v1/events/hamburg-2017/registrations?limit=10&cursor=\(next)")
            #expect(rest.json["items"].array.count == 3 && rest.json["next"].isNull)
            #expect(try await admin.get("/api/v1/events/hamburg-2017/registrations?q=%E5%BC%A0%E6%95%8F").json["items"][0]["name"].string == "Zhang Min 张敏")
            #expect(try await admin.get("/api/v1/events/hamburg-2017/registrations?status=waitlisted").json["items"].array.count == 2)

            let desk = try await anonymous.account(.checkin)
            // The self-service token is not a check-in code: it changes and cancels, the code only checks in.
            try await desk.post("/api/v1/events/hamburg-2017/checkins", #"{"token":"\#(tokens[0])"}"#).expectProblem(.notFound)
            try await desk.post("/api/v1/events/hamburg-2017/checkins", #"{"code":"\#(tokens[0])"}"#).expectProblem(.notFound)
            try await desk.post("/api/v1/events/hamburg-2017/checkins", "{}").expectProblem(.unprocessableContent)
            let code = try #require(try await anonymous.get("/api/v1/registrations/\(tokens[0])").json["checkInCode"].string)
            #expect(code.wholeMatch(of: /[0-9]+-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/) != nil, "short enough to type: \(code)")
            let first = try await desk.post("/api/v1/events/hamburg-2017/checkins", #"{"code":"\#(code)"}"#)
            #expect(first.status == .ok && first.json["alreadyCheckedIn"].bool == false)
            // Typed in lower case with spaces, under the field's older name: the same code.
            let parts = code.lowercased().split(separator: "-")
            let typed = "\(parts[0])-\(parts[1]) \(parts[2])"
            let second = try await desk.post("/api/v1/events/hamburg-2017/checkins", #"{"token":"\#(typed)"}"#)
            #expect(second.json["alreadyCheckedIn"].bool == true)
            #expect(second.json["message"].string?.contains("already checked in at") == true)
            try await desk.post("/api/v1/events/hamburg-2017/checkins", try await anonymous.checkInBody(token: tokens[4])).expectProblem(.conflict, code: "not-confirmed")
            #expect(try await desk.get("/api/v1/events/hamburg-2017/registrations?q=Attendee").status == .ok)
            try await desk.get("/api/v1/events/hamburg-2017/registrations.csv").expectProblem(.forbidden)
            try await desk.post("/api/v1/events/hamburg-2017/registrations/1/erase", "{}").expectProblem(.forbidden)
            try await anonymous.get("/api/v1/events/hamburg-2017/registrations").expectProblem(.unauthorized)
            try await anonymous.post("/api/v1/events/hamburg-2017/checkins", #"{"code":"\#(code)"}"#).expectProblem(.unauthorized)

            let waiting = try #require(rest.json["items"].array.last?["id"].int)
            try await admin.post("/api/v1/events/hamburg-2017/registrations/\(waiting)/promote", "{}").expectProblem(.conflict, code: "no-free-seat")
            _ = try await admin.patch("/api/v1/events/hamburg-2017", #"{"capacity":4}"#)
            #expect(try await admin.get("/api/v1/events/hamburg-2017/registrations/4").json["status"].string == "confirmed")
            #expect(try await admin.post("/api/v1/events/hamburg-2017/registrations/\(waiting)/cancel", "{}").json["status"].string == "cancelled")

            let export = try await admin.get("/api/v1/events/hamburg-2017/registrations/2/export")
            #expect(export.json["registration"]["name"].string == "Zhang Min 张敏")
            #expect(!export.json["messages"].array.isEmpty)
            let erased = try await admin.post("/api/v1/events/hamburg-2017/registrations/2/erase", "{}")
            #expect(erased.json["erased"].bool == true && erased.json["name"].string == "(erased)" && erased.json["status"].string == "confirmed")
            try await anonymous.get("/api/v1/registrations/\(tokens[1])").expectProblem(.notFound)
        }
    }

    @Test("CSV export: UTF-8 BOM, CRLF, RFC 4180 quoting, formulas neutralised, Chinese names intact", arguments: StoreKind.available)
    func csv(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent()
            _ = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1, name: #"=HYPERLINK(\"http://evil\")"#))
            _ = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(2, name: "李伟, \\\"Wei\\\""))
            _ = try await anonymous.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(3, name: "@SUM(1+1)").replacingOccurrences(of: #""NGO 3""#, with: #""+49 40 123\nline two""#))
            let reply = try await admin.get("/api/v1/events/hamburg-2017/registrations.csv")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(Array(reply.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: reply.body.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("id,status,waitlist position,name,email"))
            #expect(text.contains("\r\n1,confirmed,,\"'=HYPERLINK(\"\"http://evil\"\")\",attendee1@example.org"))
            #expect(text.contains("\r\n2,confirmed,,\"李伟, \"\"Wei\"\"\",attendee2@example.org"))
            #expect(text.contains(",'@SUM(1+1),attendee3@example.org,\"'+49 40 123\nline two\",DE,"))
        }
    }
}
