import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Organiser console: the audit log filtered by event, actor and action", .timeLimit(.minutes(5)))
struct AuditFilterTests {
    @Test("filters combine with each other and with paging; an actor's API tokens count as the actor", arguments: StoreKind.available)
    func filters(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let (room, _, _) = try await admin.seedEvent()
            _ = try await admin.seedEvent(slug: "other-2017")
            let organiser = try await api.account(.organiser, email: "Li.Wei@example.org")
            let created = try await organiser.post("/api/v1/auth/tokens", #"{"name":"sync","expiresInDays":30}"#)
            let scriptToken = try #require(created.json["token"].string)
            var script = organiser
            script.token = scriptToken
            #expect(try await organiser.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: room)).status == .created)
            #expect(try await script.post("/api/v1/events/hamburg-2017/sessions",
                                          Body.session(room: room, start: "2017-06-15T12:00:00+02:00", end: "2017-06-15T13:00:00+02:00")).status == .created)
            #expect(try await organiser.post("/api/v1/events/other-2017/rooms", #"{"name":"Room Z"}"#).status == .created)

            func actions(_ query: String) async throws -> [String] {
                let reply = try await admin.get("/api/v1/audit?\(query)")
                try #require(reply.status == .ok, "\(query): \(reply.text)")
                return reply.json["items"].array.compactMap { $0["action"].string }
            }
            #expect(try await actions("actor=li.wei@example.org") == ["room.created", "session.created", "session.created", "token.created"])
            #expect(try await actions("actor=li.wei@example.org&event=hamburg-2017") == ["session.created", "session.created"])
            #expect(try await actions("actor=li.wei@example.org&action=room.") == ["room.created"])
            #expect(try await actions("event=other-2017&action=room.created") == ["room.created", "room.created", "room.created"])
            #expect(try await actions("actor=nobody@example.org").isEmpty)
            let byToken = try await admin.get("/api/v1/audit?actor=li.wei@example.org&action=session.created").json["items"].array
            #expect(byToken.map { $0["actor"].string } == ["Li.Wei@example.org (token: sync)", "Li.Wei@example.org"])

            // Paging keeps to the filters when they are sent again with the cursor.
            let first = try await admin.get("/api/v1/audit?event=hamburg-2017&action=session.&limit=1").json
            #expect(first["items"].array.count == 1)
            let cursor = try #require(first["next"].string)
            let second = try await admin.get("/api/v1/audit?event=hamburg-2017&action=session.&limit=1&cursor=\(cursor)").json
            #expect(second["items"][0]["action"].string == "session.created" && second["items"][0]["id"].int != first["items"][0]["id"].int)
            let third = try await admin.get("/api/v1/audit?event=hamburg-2017&action=session.&limit=1&cursor=\(second["next"].string ?? "")").json
            #expect(third["items"].array.isEmpty && third["next"].isNull)

            // The event's own log takes the actor and action filters.
            let eventLog = try await organiser.get("/api/v1/events/hamburg-2017/changes?actor=li.wei@example.org").json["items"].array
            #expect(eventLog.count == 2)
            #expect(try await organiser.get("/api/v1/events/hamburg-2017/changes?action=room.").json["items"].array.count == 2)
        }
    }

    @Test("bad filters are 422 naming them; an unknown event is 404; the programme log stays admin-only", arguments: StoreKind.available)
    func refusals(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            #expect(try await admin.get("/api/v1/audit?event=&actor=\(String(repeating: "a", count: 321))&limit=0")
                .expectProblem(.unprocessableContent).fieldErrors == ["limit", "event", "actor"])
            try await admin.get("/api/v1/audit?event=nowhere").expectProblem(.notFound)
            let organiser = try await api.account(.organiser)
            try await organiser.get("/api/v1/audit?event=nowhere").expectProblem(.forbidden)
        }
    }
}
