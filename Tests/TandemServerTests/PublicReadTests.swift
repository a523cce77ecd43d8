import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Public reads", .timeLimit(.minutes(5)))
struct PublicReadTests {
    @Test("the demo programme is listed with seats, times in each event's zone, and a next cursor of null")
    func listsDemoEvents() async throws {
        try await withTandem(demo: true) { api in
            let reply = try await api.get("/api/v1/events")
            #expect(reply.status == .ok)
            let items = reply.json["items"].array
            #expect(reply.json.keys.contains("next") && reply.json["next"].isNull)
            let slugs = items.compactMap { $0["slug"].string }
            #expect(slugs.contains("cbw-hamburg-2017") && slugs.contains("fellows-present-2017") && slugs.contains("twinning-at-c20"))
            let hamburg = try #require(items.first { $0["slug"].string == "cbw-hamburg-2017" })
            #expect(hamburg["startsAt"].string?.hasSuffix("+02:00") == true)
            #expect(hamburg["seats"].keys.isSuperset(of: ["capacity", "confirmed", "waitlisted"]))
            let beijing = try #require(items.first { $0["slug"].string == "fellows-present-2017" })
            #expect(beijing["timezone"].string == "Asia/Shanghai")
            #expect(beijing["startsAt"].string?.hasSuffix("+08:00") == true)
            for item in items {
                #expect(item.keys.isSuperset(of: ["slug", "kind", "title", "startsAt", "endsAt", "timezone", "venue", "status", "seats"]))
            }
        }
    }

    @Test("one event carries rooms, sessions with speakers, announcements and scheduleVersion")
    func eventDetail() async throws {
        try await withTandem(demo: true) { api in
            let event = try await api.get("/api/v1/events/cbw-hamburg-2017").json
            #expect(event["title"]["en"].string == "Capacity-Building Workshop Hamburg 2017")
            #expect(event["rooms"].array.count >= 3)
            #expect(event["scheduleVersion"].int ?? 0 > 0)
            let sessions = event["sessions"].array
            #expect(sessions.contains { !$0["speakers"].array.isEmpty })
            #expect(sessions.contains { $0["seats"]["capacity"].int != nil })
            let speakers = try await api.get("/api/v1/events/cbw-hamburg-2017/speakers").json["items"].array
            #expect(speakers.contains { $0["fellow"].bool == true && $0["nameZh"].string != nil })
        }
    }

    @Test("schedule: ETag and If-None-Match give 304; a change gives a new ETag")
    func conditionalSchedule() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let ids = try await api.seedEvent()
            let first = try await anonymous.get("/api/v1/events/hamburg-2017/schedule")
            let etag = try #require(first.headers[.eTag])
            #expect(first.json["scheduleVersion"].int == 3)
            let again = try await anonymous.get("/api/v1/events/hamburg-2017/schedule", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.isEmpty)
            #expect(again.headers[.eTag] == etag)
            try #require(try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA)).status == .created)
            let changed = try await anonymous.get("/api/v1/events/hamburg-2017/schedule", headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(changed.json["scheduleVersion"].int == 4)
            #expect(changed.json["sessions"].array.count == 1)
            let event = try await anonymous.get("/api/v1/events/hamburg-2017", headers: [.ifNoneMatch: etag])
            #expect(event.status == .ok) // different representation, different tag
            let eventAgain = try await anonymous.get("/api/v1/events/hamburg-2017", headers: [.ifNoneMatch: try #require(event.headers[.eTag])])
            #expect(eventAgain.status == .notModified)
        }
    }

    @Test("a session is readable alone, with its ETag; times in the venue's zone")
    func singleSession() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let ids = try await api.seedEvent()
            let created = try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA, start: "2017-06-15T08:00:00Z", end: "2017-06-15T09:00:00Z", speakers: [ids.speaker]))
            let id = try #require(created.json["id"].int)
            let session = try await anonymous.get("/api/v1/events/hamburg-2017/sessions/\(id)")
            #expect(session.status == .ok)
            #expect(session.headers[.eTag] == created.headers[.eTag])
            let unchanged = try await anonymous.get("/api/v1/events/hamburg-2017/sessions/\(id)", headers: [.ifNoneMatch: try #require(session.headers[.eTag])])
            #expect(unchanged.status == .notModified)
            #expect(session.json["startsAt"].string == "2017-06-15T10:00:00+02:00")
            #expect(session.json["speakers"][0]["nameZh"].string == "李伟")
            #expect(session.json["speakers"][0]["country"].string == "CN")
            #expect(session.json["seats"]["available"].int == 20)
            try await anonymous.get("/api/v1/events/hamburg-2017/sessions/99999").expectProblem(.notFound, code: "not-found")
            try await anonymous.get("/api/v1/events/hamburg-2017/sessions/abc").expectProblem(.badRequest)
        }
    }

    @Test("drafts exist only for organisers")
    func drafts() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            try #require(try await api.post("/api/v1/events", Body.event(slug: "draft-event", status: "draft")).status == .created)
            try await anonymous.get("/api/v1/events/draft-event").expectProblem(.notFound)
            try await anonymous.get("/api/v1/events/draft-event/schedule").expectProblem(.notFound)
            #expect(!(try await anonymous.get("/api/v1/events").json["items"].array.contains { $0["slug"].string == "draft-event" }))
            #expect(try await api.get("/api/v1/events/draft-event").status == .ok)
            #expect(try await api.get("/api/v1/events").json["items"].array.contains { $0["slug"].string == "draft-event" })
            try #require(try await api.patch("/api/v1/events/draft-event", #"{"status":"published"}"#).status == .ok)
            #expect(try await anonymous.get("/api/v1/events/draft-event").status == .ok)
        }
    }

    @Test("unknown events and paths are problem+json 404s; health and OpenAPI answer")
    func notFoundAndMeta() async throws {
        try await withTandem { api in
            try await api.get("/api/v1/events/no-such-event").expectProblem(.notFound, code: "not-found")
            try await api.get("/api/v1/no-such-thing").expectProblem(.notFound)
            #expect(try await api.get("/healthz").json == .object(["status": .string("ok")]))
            #expect(try await api.get("/readyz").status == .ok)
            let openapi = try await api.get("/openapi.yaml")
            #expect(openapi.status == .ok && openapi.text.hasPrefix("openapi: 3.1"))
            #expect(try await api.get("/").text.contains("Tandem"))
        }
    }

    @Test("stored strings with markup, quotes and any script come back unchanged")
    func textIsKeptExactly() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let ids = try await api.seedEvent()
            let tricky = #"<script>alert(\"x\")</script> 'Müller' — 李伟 — مرحبا"#
            let reply = try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA, title: tricky))
            #expect(reply.status == .created)
            let title = try await anonymous.get("/api/v1/events/hamburg-2017/sessions/\(try #require(reply.json["id"].int))").json["title"]["en"].string
            #expect(title == #"<script>alert("x")</script> 'Müller' — 李伟 — مرحبا"#)
        }
    }
}
