import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Organiser console: rooms renamed, resized, reordered and deleted", .timeLimit(.minutes(5)))
struct RoomEditingTests {
    @Test("PATCH renames, changes or clears the capacity and moves a room in the order; the room list follows", arguments: StoreKind.available)
    func editAndReorder(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let (roomA, roomB, _) = try await admin.seedEvent()
            let roomC = try #require(try await admin.post("/api/v1/events/hamburg-2017/rooms", #"{"name":"Room C","position":2}"#).json["id"].int)
            _ = try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"position":1}"#)
            _ = try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomB)", #"{"position":0}"#)
            let renamed = try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"name":"  Saal 1 ","capacity":120}"#).json
            #expect(renamed["name"].string == "Saal 1" && renamed["capacity"].int == 120 && renamed["position"].int == 1)
            let cleared = try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"capacity":null}"#).json
            #expect(cleared["capacity"].isNull || !cleared.keys.contains("capacity"))
            #expect(cleared["name"].string == "Saal 1", "absent fields stay")
            let rooms = try await api.get("/api/v1/events/hamburg-2017/rooms").json["items"].array
            #expect(rooms.map { $0["id"].int } == [roomB, roomA, roomC])
            #expect(rooms.map { $0["position"].int } == [0, 1, 2])

            try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"name":"Room C"}"#).expectProblem(.conflict, code: "conflict")
            #expect(try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"position":"first"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["position"])
            #expect(try await admin.patch("/api/v1/events/hamburg-2017/rooms/\(roomA)", #"{"capacity":-3}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["capacity"])
            try await admin.patch("/api/v1/events/hamburg-2017/rooms/999", #"{"position":1}"#).expectProblem(.notFound)
        }
    }

    @Test("deleting a room with sessions is 409 naming up to ten of them with their times in the venue's zone, and how many more",
          arguments: StoreKind.available)
    func deleteInUse(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let (roomA, roomB, _) = try await admin.seedEvent()
            for hour in 8..<20 {
                let start = String(format: "2017-06-15T%02d:00:00+02:00", hour), end = String(format: "2017-06-15T%02d:45:00+02:00", hour)
                let reply = try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                                 Body.session(room: roomA, start: start, end: end, title: "Talk \(hour)", capacity: nil))
                try #require(reply.status == .created, "\(reply.text)")
            }
            let version = try await api.scheduleVersion("hamburg-2017")
            let problem = try await admin.delete("/api/v1/events/hamburg-2017/rooms/\(roomA)").expectProblem(.conflict, code: "conflict")
            #expect(problem["sessionCount"].int == 12)
            let named = problem["sessions"].array
            #expect(named.count == 10)
            #expect(named.first?["title"].string == "Talk 8" && named.first?["startsAt"].string == "2017-06-15T08:00:00+02:00")
            #expect(named.last?["title"].string == "Talk 17" && named.last?["endsAt"].string == "2017-06-15T17:45:00+02:00")
            let detail = try #require(problem["detail"].string)
            #expect(detail.hasPrefix(#"Room "Room A" still has 12 sessions (times in Europe/Berlin): "Talk 8" (Thu 15 Jun 08:00–08:45), "#), "\(detail)")
            #expect(detail.contains(#""Talk 17" (Thu 15 Jun 17:00–17:45), and 2 more; move them to another room or delete them first."#), "\(detail)")
            #expect(problem["errors"][0]["field"].string == "roomId")
            #expect(try await api.scheduleVersion("hamburg-2017") == version, "nothing was written")

            #expect(try await admin.delete("/api/v1/events/hamburg-2017/rooms/\(roomB)").status == .noContent)
            #expect(try await api.get("/api/v1/events/hamburg-2017/rooms").json["items"].array.map { $0["id"].int } == [roomA])
        }
    }
}
