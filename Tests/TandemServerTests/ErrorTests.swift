import Foundation
import HTTPTypes
import Testing
import TandemStore
@testable import TandemServer
import TandemTestSupport

@Suite("Errors: problem+json naming the field, never a 5xx, never a partial write", .timeLimit(.minutes(5)))
struct ErrorTests {
    @Test("a database that stays busy after the retries answers 503 with Retry-After and a sentence, not 500")
    func busy() {
        let problem = ProblemMapping.problem(for: StoreError.busy(message: "The database is busy with other changes to the same data."))
        #expect(problem.status == .serviceUnavailable)
        #expect(problem.code == "busy")
        #expect(problem.headers[.retryAfter] == "1")
        #expect(problem.detail?.contains("send the same request again") == true)
    }

    @Test("malformed JSON is 400; an empty body is 400; a non-object body is 400")
    func malformed() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            try await api.post("/api/v1/events", #"{"slug": "x", "#).expectProblem(.badRequest, code: "malformed-json")
            try await api.call(.post, "/api/v1/events").expectProblem(.badRequest, code: "malformed-json")
            try await api.post("/api/v1/events", #"[1, 2]"#).expectProblem(.badRequest, code: "malformed-json")
        }
    }

    @Test("missing and mistyped fields are 422 and named", arguments: [
        (#"{"kind":"workshop"}"#, "slug"),
        (Body.event().replacingOccurrences(of: #""capacity":60"#, with: #""capacity":"sixty""#), "capacity"),
        (Body.event().replacingOccurrences(of: #""city":"Hamburg","#, with: ""), "venue.city"),
        (Body.event().replacingOccurrences(of: #""en":"Capacity-Building Workshop","#, with: ""), "title.en"),
        (Body.event().replacingOccurrences(of: "workshop", with: "party"), "kind"),
        (Body.event(start: "2017-06-15T08:00:00"), "startsAt"),
        (Body.event(start: "15.06.2017"), "startsAt"),
        (Body.event(zone: "Europe/Hamburg"), "timezone"),
        (Body.event(end: "2017-06-14T08:00:00+02:00"), "endsAt"),
        (Body.event(slug: "Hamburg 2017"), "slug"),
        (Body.event(extra: #","parentSlug":"no-such-event""#), "parentSlug"),
        (Body.event().replacingOccurrences(of: #""country":"DE""#, with: #""country":"Germany""#), "venue.country"),
    ])
    func fieldErrors(body: String, field: String) async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let reply = try await api.post("/api/v1/events", body)
            reply.expectProblem(.unprocessableContent, code: "validation-failed")
            #expect(reply.fieldErrors.contains(field), "errors: \(reply.json["errors"])")
            #expect(try await api.get("/api/v1/events").json["items"].array.isEmpty)
        }
    }

    @Test("a body over the limit is 413, whether announced by Content-Length or not")
    func tooLarge() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let huge = #"{"name":""# + String(repeating: "x", count: 70 * 1024) + #""}"#
            try await api.post("/api/v1/speakers", huge).expectProblem(.contentTooLarge, code: "body-too-large")
            try await api.post("/api/v1/speakers", huge, headers: [.contentLength: String(huge.utf8.count)]).expectProblem(.contentTooLarge)
        }
    }

    @Test("a body that is not JSON is 415")
    func mediaType() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            try await api.post("/api/v1/speakers", #"{"name":"x"}"#, headers: [.contentType: "text/plain"]).expectProblem(.unsupportedMediaType)
            #expect(try await api.post("/api/v1/speakers", #"{"name":"x"}"#, headers: [.contentType: "application/json; charset=utf-8"]).status == .created)
        }
    }

    @Test("a room clash and a double-booked speaker are 409 naming the conflicting session")
    func conflicts() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let ids = try await api.seedEvent()
            let first = try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA, speakers: [ids.speaker]))
            let firstID = try #require(first.json["id"].int)
            let version = try await api.scheduleVersion("hamburg-2017")

            let roomClash = try await api.post("/api/v1/events/hamburg-2017/sessions",
                                               Body.session(room: ids.roomA, start: "2017-06-15T10:30:00+02:00", end: "2017-06-15T11:30:00+02:00"))
            let problem = roomClash.expectProblem(.conflict, code: "schedule-conflict")
            #expect(problem["conflicts"][0]["reason"].string == "room")
            #expect(problem["conflicts"][0]["sessionId"].int == firstID)
            #expect(problem["conflicts"][0]["startsAt"].string == "2017-06-15T10:00:00+02:00")
            #expect(problem["detail"].string?.contains("Fundraising for NGOs") == true)

            let speakerClash = try await api.post("/api/v1/events/hamburg-2017/sessions",
                                                  Body.session(room: ids.roomB, start: "2017-06-15T10:30:00+02:00", end: "2017-06-15T11:30:00+02:00", speakers: [ids.speaker]))
            let speakerProblem = speakerClash.expectProblem(.conflict, code: "schedule-conflict")
            #expect(speakerProblem["conflicts"][0]["reason"].string == "speaker")
            #expect(speakerProblem["conflicts"][0]["speakerId"].int == ids.speaker)
            #expect(speakerProblem["conflicts"][0]["sessionId"].int == firstID)

            try await api.post("/api/v1/events/hamburg-2017/delays", #"{"roomId":\#(ids.roomA),"from":"2017-06-15T09:00:00+02:00","minutes":-150}"#)
                .expectProblem(.unprocessableContent) // would leave the event
            #expect(try await api.scheduleVersion("hamburg-2017") == version)
        }
    }

    @Test("other 409s and 404s: slug taken, room name taken, room in use, unknown room or speaker")
    func otherConflicts() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let ids = try await api.seedEvent()
            #expect(try await api.post("/api/v1/events", Body.event()).expectProblem(.conflict)["errors"][0]["field"].string == "slug")
            try await api.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room A"}"#).expectProblem(.conflict)
            _ = try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA))
            try await api.delete("/api/v1/events/hamburg-2017/rooms/\(ids.roomA)").expectProblem(.conflict)
            #expect(try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: 9999)).expectProblem(.unprocessableContent)["errors"][0]["field"].string == "roomId")
            #expect(try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomB, speakers: [4242])).fieldErrors == ["speakerIds"])
            try await api.post("/api/v1/events/nowhere/rooms", #"{"name":"Room A"}"#).expectProblem(.notFound)
            try await api.patch("/api/v1/speakers/4242", #"{"name":"x"}"#).expectProblem(.notFound)
            try await api.patch("/api/v1/events/hamburg-2017/sessions/4242", #"{"language":"zh"}"#).expectProblem(.notFound)
            try await api.delete("/api/v1/events/hamburg-2017/announcements/4242").expectProblem(.notFound)
            try await api.patch("/api/v1/events/hamburg-2017", #"{"status":"draft"}"#).expectProblem(.unprocessableContent)
            try await api.patch("/api/v1/events/hamburg-2017", #"{"title":null}"#).expectProblem(.unprocessableContent)
            try await api.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Old news"},"expiresAt":"2017-01-01T00:00:00Z"}"#)
                .expectProblem(.unprocessableContent)
        }
    }
}
