import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Organiser flow: event → rooms → sessions → move with If-Match → delay", .timeLimit(.minutes(5)))
struct OrganiserFlowTests {
    @Test("the documented curl flow works, and every mutation bumps scheduleVersion by exactly one")
    func flow() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let created = try await api.post("/api/v1/events", Body.event())
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/v1/events/hamburg-2017")
            #expect(created.json["scheduleVersion"].int == 1)
            #expect(created.json["status"].string == "published")
            var version = 1
            func expectVersion(_ sourceLocation: SourceLocation = #_sourceLocation) async throws {
                version += 1
                #expect(try await api.scheduleVersion("hamburg-2017") == version, sourceLocation: sourceLocation)
            }

            let room = try await api.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room B","capacity":30}"#)
            #expect(room.status == .created)
            try await expectVersion()
            let roomB = try #require(room.json["id"].int)
            let roomA = try #require(try await api.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room A"}"#).json["id"].int)
            try await expectVersion()

            let speaker = try await api.post("/api/v1/speakers", #"{"name":"Zhang Min","nameZh":"张敏","fellowship":{"cohort":2016}}"#)
            #expect(speaker.status == .created)
            #expect(try await api.scheduleVersion("hamburg-2017") == version) // programme-wide, not this event's

            let first = try await api.post("/api/v1/events/hamburg-2017/sessions",
                                           Body.session(room: roomB, start: "2017-06-15T13:00:00+02:00", end: "2017-06-15T14:00:00+02:00", speakers: [try #require(speaker.json["id"].int)]))
            #expect(first.status == .created)
            try await expectVersion()
            let second = try await api.post("/api/v1/events/hamburg-2017/sessions",
                                            Body.session(room: roomB, start: "2017-06-15T14:00:00+02:00", end: "2017-06-15T15:00:00+02:00", title: "Monitoring"))
            try await expectVersion()
            let firstID = try #require(first.json["id"].int)
            let etag = try #require(first.headers[.eTag])

            // Move the first session to 14:15 in room A, with the ETag we read.
            let moved = try await api.patch("/api/v1/events/hamburg-2017/sessions/\(firstID)",
                                            #"{"roomId":\#(roomA),"startsAt":"2017-06-15T14:15:00+02:00","endsAt":"2017-06-15T15:15:00+02:00"}"#,
                                            headers: [.ifMatch: etag])
            #expect(moved.status == .ok)
            #expect(moved.json["roomId"].int == roomA)
            #expect(moved.json["startsAt"].string == "2017-06-15T14:15:00+02:00")
            let newTag = try #require(moved.headers[.eTag])
            #expect(newTag != etag)
            try await expectVersion()

            // Someone still holding the old ETag is told, and given the current one.
            let stale = try await api.patch("/api/v1/events/hamburg-2017/sessions/\(firstID)", #"{"title":{"en":"Too late"}}"#, headers: [.ifMatch: etag])
            #expect(stale.expectProblem(.preconditionFailed, code: "stale")["currentVersion"].int != nil)
            #expect(stale.headers[.eTag] == newTag)
            #expect(try await api.scheduleVersion("hamburg-2017") == version)

            // Room B runs 15 minutes late from 13:30: the Monitoring session (14:00) moves to 14:15.
            let delay = try await api.post("/api/v1/events/hamburg-2017/delays", #"{"roomId":\#(roomB),"from":"2017-06-15T13:30:00+02:00","minutes":15}"#)
            #expect(delay.status == .ok)
            #expect(delay.json["sessions"].array.map { $0["id"].int } == [second.json["id"].int])
            #expect(delay.json["sessions"][0]["startsAt"].string == "2017-06-15T14:15:00+02:00")
            try await expectVersion()
            #expect(delay.json["scheduleVersion"].int == version)

            let announcement = try await api.post("/api/v1/events/hamburg-2017/announcements",
                                                  #"{"text":{"en":"Room B runs 15 minutes late","zh":"B厅推迟15分钟"},"severity":"warning"}"#)
            #expect(announcement.status == .created)
            try await expectVersion()
            #expect(try await anonymous.get("/api/v1/events/hamburg-2017").json["announcements"][0]["text"]["zh"].string == "B厅推迟15分钟")
            let expired = try await api.delete("/api/v1/events/hamburg-2017/announcements/\(try #require(announcement.json["id"].int))")
            #expect(expired.status == .ok)
            try await expectVersion()
            #expect(try await anonymous.get("/api/v1/events/hamburg-2017/announcements").json["items"].array.isEmpty)

            let cancelled = try await api.delete("/api/v1/events/hamburg-2017/sessions/\(firstID)", headers: [.ifMatch: newTag])
            #expect(cancelled.json["status"].string == "cancelled")
            try await expectVersion()
            #expect(try await anonymous.get("/api/v1/events/hamburg-2017/sessions/\(firstID)").json["status"].string == "cancelled")

            let renamed = try await api.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"name":"Saal A"}"#)
            #expect(renamed.json["name"].string == "Saal A")
            try await expectVersion()

            #expect(try await api.delete("/api/v1/events/hamburg-2017/sessions/\(firstID)?purge=true").status == .noContent)
            try await expectVersion()
            #expect(try await api.delete("/api/v1/events/hamburg-2017/rooms/\(roomA)").status == .noContent)
            try await expectVersion()

            let patched = try await api.patch("/api/v1/events/hamburg-2017", #"{"capacity":80,"description":{"en":"Two days of training"}}"#)
            #expect(patched.json["seats"]["capacity"].int == 80)
            try await expectVersion()
            let cancelledEvent = try await api.delete("/api/v1/events/hamburg-2017")
            #expect(cancelledEvent.json["status"].string == "cancelled")
            try await expectVersion()
            #expect(try await anonymous.get("/api/v1/events").json["items"][0]["status"].string == "cancelled")
        }
    }

    @Test("a session given in another offset is stored as the same instant and shown in venue time")
    func zones() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            try #require(try await api.post("/api/v1/events", Body.event(slug: "beijing-2017", zone: "Asia/Shanghai",
                start: "2017-11-25T14:00:00+08:00", end: "2017-11-25T18:00:00+08:00")).status == .created)
            let room = try #require(try await api.post("/api/v1/events/beijing-2017/rooms", #"{"name":"主厅 Main Hall"}"#).json["id"].int)
            let session = try await api.post("/api/v1/events/beijing-2017/sessions",
                                             Body.session(room: room, start: "2017-11-25T07:00:00+01:00", end: "2017-11-25T08:00:00+01:00"))
            #expect(session.status == .created)
            #expect(session.json["startsAt"].string == "2017-11-25T14:00:00+08:00")
            #expect(session.json["endsAt"].string == "2017-11-25T15:00:00+08:00")
        }
    }

    @Test("If-Match: * and a matching tag pass; a weak or foreign tag is stale")
    func ifMatchForms() async throws {
        try await withTandem { anonymous in
            let api = try await anonymous.login()
            let ids = try await api.seedEvent()
            let created = try await api.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA))
            let id = try #require(created.json["id"].int)
            #expect(try await api.patch("/api/v1/events/hamburg-2017/sessions/\(id)", #"{"language":"zh"}"#, headers: [.ifMatch: "*"]).status == .ok)
            try await api.patch("/api/v1/events/hamburg-2017/sessions/\(id)", #"{"language":"de"}"#, headers: [.ifMatch: "W/\"1\""]).expectProblem(.preconditionFailed)
            try await api.patch("/api/v1/events/hamburg-2017/sessions/\(id)", #"{"language":"de"}"#, headers: [.ifMatch: "\"e3\""]).expectProblem(.preconditionFailed)
            #expect(try await api.patch("/api/v1/events/hamburg-2017/sessions/\(id)", #"{"language":null}"#).json.keys.contains("language") == false)
        }
    }
}
