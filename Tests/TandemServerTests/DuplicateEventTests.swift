import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Organiser console: an event duplicated as next year's round", .timeLimit(.minutes(5)))
struct DuplicateEventTests {
    static let next = #"{"slug":"hamburg-2018","startsAt":"2018-06-14T08:00:00+02:00","title":{"en":"Capacity-Building Workshop 2018","zh":"能力建设工作坊 2018"}}"#

    @Test("a draft with the rooms and the programme skeleton moved a year on; no registrations, no announcements; audited",
          arguments: StoreKind.available)
    func nextYearsRound(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let (roomA, roomB, speaker) = try await admin.seedEvent()
            let workshop = try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: roomA, speakers: [speaker])).json
            _ = try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                     Body.session(room: roomB, start: "2017-06-16T14:00:00+02:00", end: "2017-06-16T15:30:00+02:00", title: "Closing", capacity: nil))
            let dropped = try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                                            Body.session(room: roomB, start: "2017-06-15T12:00:00+02:00", end: "2017-06-15T13:00:00+02:00",
                                                                         title: "Dropped", capacity: nil)).json["id"].int)
            #expect(try await admin.delete("/api/v1/events/hamburg-2017/sessions/\(dropped)").status == .ok)
            #expect(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1)).status == .created)
            #expect(try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Welcome"}}"#).status == .created)
            let sourceVersion = try await api.scheduleVersion("hamburg-2017")

            let reply = try await admin.post("/api/v1/events/hamburg-2017/duplicate", Self.next)
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply.headers[.location] == "/api/v1/events/hamburg-2018")
            let event = reply.json
            #expect(event["slug"].string == "hamburg-2018" && event["status"].string == "draft")
            #expect(event["title"]["en"].string == "Capacity-Building Workshop 2018" && event["kind"].string == "workshop")
            #expect(event["startsAt"].string == "2018-06-14T08:00:00+02:00" && event["endsAt"].string == "2018-06-15T20:00:00+02:00")
            #expect(event["timezone"].string == "Europe/Berlin" && event["capacity"].int == 60 && event["venue"]["city"].string == "Hamburg")
            #expect(event["registrationMode"].string == "instant" && event["seats"]["confirmed"].int == 0)

            let copy = try await admin.get("/api/v1/events/hamburg-2018").json
            #expect(copy["rooms"].array.map { $0["name"].string } == ["Room A", "Room B"])
            #expect(copy["rooms"].array.map { $0["capacity"].int } == [40, nil])
            let sessions = copy["sessions"].array
            #expect(sessions.map { $0["title"]["en"].string } == ["Fundraising for NGOs", "Closing"], "the cancelled session stays behind")
            #expect(sessions.map { $0["startsAt"].string } == ["2018-06-14T10:00:00+02:00", "2018-06-15T14:00:00+02:00"])
            #expect(sessions.map { $0["endsAt"].string } == ["2018-06-14T11:00:00+02:00", "2018-06-15T15:30:00+02:00"])
            #expect(sessions[0]["speakerIds"] == .array([.number(Double(speaker))]) && sessions[0]["capacity"].int == 20)
            #expect(sessions[0]["language"].string == "en" && sessions[0]["kind"].string == "workshop")
            #expect(sessions[0]["guid"].string != workshop["guid"].string)
            let newRoomIDs = Set(copy["rooms"].array.compactMap { $0["id"].int })
            #expect(sessions.allSatisfy { newRoomIDs.contains($0["roomId"].int ?? 0) }, "the sessions are in the copy's rooms")
            #expect(copy["announcements"].array.isEmpty)
            #expect(try await admin.get("/api/v1/events/hamburg-2018/registrations").json["items"].array.isEmpty)
            #expect(try await api.get("/api/v1/events/hamburg-2018").status == .notFound, "a draft: not public")
            #expect(try await api.scheduleVersion("hamburg-2017") == sourceVersion, "the source is untouched")

            let log = try await admin.get("/api/v1/events/hamburg-2018/changes").json["items"].array
            let duplicated = try #require(log.first { $0["action"].string == "event.duplicated" })
            #expect(duplicated["data"]["from"].string == "hamburg-2017" && duplicated["actor"].string == adminEmail)
        }
    }

    @Test("a slug that exists is 409; an unknown source 404; a bad body 422; nothing is written", arguments: StoreKind.available)
    func refused(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            _ = try await admin.seedEvent(slug: "other-2017")
            let events = try await admin.get("/api/v1/events").json["items"].array.count
            try await admin.post("/api/v1/events/hamburg-2017/duplicate", #"{"slug":"other-2017","startsAt":"2018-06-14T08:00:00+02:00"}"#)
                .expectProblem(.conflict, code: "conflict")
            try await admin.post("/api/v1/events/nowhere/duplicate", Self.next).expectProblem(.notFound)
            #expect(try await admin.post("/api/v1/events/hamburg-2017/duplicate", #"{"slug":"hamburg-2018","startsAt":"next June"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["startsAt"])
            #expect(try await admin.post("/api/v1/events/hamburg-2017/duplicate", #"{"slug":"Hamburg 2018!","startsAt":"2018-06-14T08:00:00+02:00"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["slug"])
            #expect(try await admin.get("/api/v1/events").json["items"].array.count == events)
        }
    }

    @Test("an event's own organiser may duplicate it and becomes the copy's organiser; an organiser of another event may not",
          arguments: StoreKind.available)
    func perEventOrganiser(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            _ = try await admin.seedEvent(slug: "other-2017")
            let local = try await api.eventAccount("local@example.org", role: "organiser", event: "hamburg-2017")
            let outsider = try await api.eventAccount("outsider@example.org", role: "organiser", event: "other-2017")
            try await outsider.post("/api/v1/events/hamburg-2017/duplicate", Self.next).expectProblem(.forbidden)
            #expect(try await local.post("/api/v1/events/hamburg-2017/duplicate", Self.next).status == .created)
            let me = try await local.get("/api/v1/auth/me").json
            #expect(me["events"].array.map { $0["event"].string } == ["hamburg-2017", "hamburg-2018"])
            #expect(try await local.patch("/api/v1/events/hamburg-2018", #"{"status":"published"}"#).status == .ok)
        }
    }
}
