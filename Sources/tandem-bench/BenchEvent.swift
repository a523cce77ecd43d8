import Foundation

/// A published event for the peer benchmarks (`storm`, `reads --peer nginx`): four rooms, and
/// sessions added round robin until its public schedule is at least `scheduleBytes` long (the
/// Hamburg demo's schedule is about 20 KB), so its live snapshot is about as large.
struct BenchEvent {
    let slug: String
    let roomIDs: [Int]
    /// The length of `GET /api/v1/events/{slug}/schedule` once built.
    let scheduleBytes: Int
    let sessions: Int

    static func create(_ admin: HTTPConnection, token: String, slugPrefix: String, scheduleBytes target: Int) async throws -> BenchEvent {
        let slug = "\(slugPrefix)-\(UUID().uuidString.prefix(8).lowercased())"
        try expect(201, try await admin.send(.post, "/api/v1/events", json: """
            {"slug":"\(slug)","kind":"conference","status":"published","title":{"en":"Capacity-Building Workshop","zh":"能力建设工作坊"},
             "timezone":"Europe/Berlin","startsAt":"2099-06-15T09:00:00+02:00","endsAt":"2099-06-17T18:00:00+02:00",
             "venue":{"name":"Elbforum","city":"Hamburg","country":"DE"},"capacity":600}
            """, token: token), "creating the event")
        struct ID: Decodable { var id: Int }
        var rooms: [Int] = []
        for room in 1...4 {
            let reply = try await admin.send(.post, "/api/v1/events/\(slug)/rooms", json: #"{"name":"Room \#(room)"}"#, token: token)
            try expect(201, reply, "creating a room")
            rooms.append(try reply.decode(ID.self).id)
        }
        // Eight 45-minute slots a day, three days, four rooms: at most 96 sessions.
        var sessions = 0
        var bytes = 0
        while sessions < 96 {
            for room in rooms {
                let slot = sessions / rooms.count
                let day = 15 + slot / 8, hour = 9 + slot % 8
                let at = String(format: "2099-06-%02dT%02d", day, hour)
                try expect(201, try await admin.send(.post, "/api/v1/events/\(slug)/sessions", json: """
                    {"title":{"en":"Session \(sessions + 1)","zh":"场次 \(sessions + 1)"},"abstract":{"en":"\(String(repeating: "An abstract. ", count: 20))"},
                     "kind":"talk","roomId":\(room),"startsAt":"\(at):00:00+02:00","endsAt":"\(at):45:00+02:00","capacity":40}
                    """, token: token), "creating a session")
                sessions += 1
            }
            let schedule = try await admin.send(.get, "/api/v1/events/\(slug)/schedule")
            try expect(200, schedule, "reading the schedule")
            bytes = schedule.body.count
            if bytes >= target { break }
        }
        return BenchEvent(slug: slug, roomIDs: rooms, scheduleBytes: bytes, sessions: sessions)
    }

    /// Fails with what the server said when a setup request was not answered as it should be.
    static func expect(_ status: Int, _ reply: HTTPConnection.Reply, _ doing: String) throws {
        guard reply.status == status else {
            throw BenchError("\(doing): \(reply.status) \(String(decoding: reply.body.prefix(500), as: UTF8.self))")
        }
    }
}
