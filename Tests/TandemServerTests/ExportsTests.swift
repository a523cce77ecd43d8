import Foundation
import HTTPTypes
import Testing
@testable import TandemServer
import TandemTestSupport

@Suite("Exports: iCalendar and frab schedules", .timeLimit(.minutes(5)))
struct ExportsTests {
    @Test("schedule.ics: venue zone with VTIMEZONE, stable UIDs, SEQUENCE and LAST-MODIFIED advance, cancelled sessions, folding")
    func calendar() async throws {
        let clock = TestClock()
        try await withTandem(clock: clock) { api in
            let admin = try await api.login()
            let (roomA, roomB, speaker) = try await admin.seedEvent()
            let long = String(repeating: "能力建设与合作伙伴关系", count: 4)
            let first = try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                                          Body.session(room: roomA, title: "Opening; plenary, \\\\ with \\\"quotes\\\"", speakers: [speaker])).json["id"].int)
            let second = try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                                           Body.session(room: roomB, start: "2017-06-15T14:00:00+02:00", end: "2017-06-15T15:00:00+02:00",
                                                                        title: long)).json["id"].int)
            let reply = try await api.get("/api/v1/events/hamburg-2017/schedule.ics")
            #expect(reply.headers[.contentType] == "text/calendar; charset=utf-8")
            let ics = reply.text
            #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"))
            #expect(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"))
            #expect(ics.contains("DTSTART;TZID=Europe/Berlin:20170615T100000\r\n"))
            #expect(ics.contains("DTSTART;TZID=Europe/Berlin:20170615T140000\r\n"))
            // The summer-time rule in force: +0100 → +0200 on the last Sunday of March 2017.
            #expect(ics.contains("DTSTART:20170326T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"))
            #expect(ics.contains(#"SUMMARY:Opening\; plenary\, \\ with "quotes""#))
            for line in ics.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
            let unfolded = ics.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("SUMMARY:" + long))
            let uid = try #require(unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix("UID:") })
            let sequenceBefore = try #require(Self.sequence(of: "Opening", in: unfolded))
            #expect(try await api.get("/api/v1/events/hamburg-2017/schedule.ics").text.replacingOccurrences(of: "\r\n ", with: "").contains(uid))

            // An edit: SEQUENCE and LAST-MODIFIED move, so subscribed calendars update; a cancellation shows as such.
            clock.advance(by: 3600)
            #expect(try await admin.patch("/api/v1/events/hamburg-2017/sessions/\(first)", #"{"startsAt":"2017-06-15T10:30:00+02:00","endsAt":"2017-06-15T11:30:00+02:00"}"#).status == .ok)
            #expect(try await admin.delete("/api/v1/events/hamburg-2017/sessions/\(second)").status.code < 300)
            let after = try await api.get("/api/v1/events/hamburg-2017/schedule.ics").text.replacingOccurrences(of: "\r\n ", with: "")
            let events = after.components(separatedBy: "BEGIN:VEVENT").dropFirst()
            let moved = try #require(events.first { $0.contains("Opening") })
            #expect(moved.contains("DTSTART;TZID=Europe/Berlin:20170615T103000"))
            #expect(try #require(Self.sequence(of: "Opening", in: after)) > sequenceBefore)
            #expect(moved.contains("LAST-MODIFIED:20170601T110000Z"))
            let cancelled = try #require(events.first { $0.contains(long) })
            #expect(cancelled.contains("STATUS:CANCELLED"))

            // One room.
            let room = try await api.get("/api/v1/events/hamburg-2017/schedule.ics?room=\(roomB)").text
            #expect(!room.contains("Opening") && room.contains("BEGIN:VEVENT"))
            try await api.get("/api/v1/events/hamburg-2017/schedule.ics?room=999").expectProblem(.unprocessableContent)
        }
    }

    static func sequence(of summary: String, in ics: String) -> Int? {
        guard let event = ics.components(separatedBy: "BEGIN:VEVENT").first(where: { $0.contains(summary) }),
              let line = event.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("SEQUENCE:") }) else { return nil }
        return Int(line.dropFirst("SEQUENCE:".count))
    }

    @Test("an event in Asia/Shanghai: one fixed offset, local times in its zone")
    func shanghai() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            try #require(try await admin.post("/api/v1/events", Body.event(slug: "beijing-2017", zone: "Asia/Shanghai",
                                                                           start: "2017-06-15T08:00:00+08:00", end: "2017-06-16T20:00:00+08:00")).status == .created)
            let room = try #require(try await admin.post("/api/v1/events/beijing-2017/rooms", #"{"name":"Hall"}"#).json["id"].int)
            #expect(try await admin.post("/api/v1/events/beijing-2017/sessions",
                                         Body.session(room: room, start: "2017-06-15T09:30:00+08:00", end: "2017-06-15T10:30:00+08:00")).status == .created)
            let ics = try await api.get("/api/v1/events/beijing-2017/schedule.ics").text
            #expect(ics.contains("TZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800"))
            #expect(ics.contains("DTSTART;TZID=Asia/Shanghai:20170615T093000"))
        }
    }

    @Test("an attendee's own calendar: sessions for everyone plus the workshops they hold a seat in")
    func personal() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            let workshop = try await admin.openEvent()
            let room = try #require(try await admin.get("/api/v1/events/hamburg-2017").json["rooms"][0]["id"].int)
            #expect(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                         Body.session(room: room, start: "2017-06-16T09:00:00+02:00", end: "2017-06-16T10:00:00+02:00",
                                                      title: "Plenary", capacity: nil)).status == .created)
            let other = try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                                          Body.session(room: room, start: "2017-06-16T11:00:00+02:00", end: "2017-06-16T12:00:00+02:00",
                                                                       title: "Other workshop")).json["id"].int)
            let token = try #require(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1, sessions: [workshop])).json["token"].string)
            let mine = try await api.get("/api/v1/registrations/\(token)/schedule.ics")
            #expect(mine.headers[.cacheControl] == "no-store")
            #expect(mine.text.contains("SUMMARY:Fundraising for NGOs") && mine.text.contains("SUMMARY:Plenary"))
            #expect(!mine.text.contains("Other workshop"))
            #expect(other > 0)
            try await api.get("/api/v1/registrations/\(String(repeating: "x", count: 43))/schedule.ics").expectProblem(.notFound)
        }
    }

    @Test("frab schedule.json and schedule.xml: version, conference, days, rooms with guids, talks with persons; text escaped")
    func frab() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            let (roomA, _, speaker) = try await admin.seedEvent()
            let created = try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                               Body.session(room: roomA, title: "<script>alert(1)</script> & more", speakers: [speaker]))
            let guid = try #require(created.json["guid"].string)
            let json = try await api.get("/api/v1/events/hamburg-2017/schedule.json").json
            let schedule = json["schedule"]
            #expect(schedule["version"].string == String(try await api.scheduleVersion("hamburg-2017")))
            let conference = schedule["conference"]
            #expect(conference["acronym"].string == "hamburg_2017" && conference["time_zone_name"].string == "Europe/Berlin")
            #expect(conference["daysCount"].int == 2 && conference["days"].array.count == 2)
            #expect(conference["rooms"].array.allSatisfy { ($0["guid"].string?.count ?? 0) == 36 })
            let talk = conference["days"][0]["rooms"]["Room A"][0]
            #expect(talk["guid"].string == guid.lowercased() && talk["start"].string == "10:00" && talk["duration"].string == "01:00")
            #expect(talk["date"].string == "2017-06-15T10:00:00+02:00" && talk["title"].string == "<script>alert(1)</script> & more")
            #expect(talk["subtitle"].string == "非政府组织筹款" && talk["persons"][0]["public_name"].string == "Li Wei")
            #expect(talk["slug"].string?.hasPrefix("hamburg_2017-") == true)

            let xml = try await api.get("/api/v1/events/hamburg-2017/schedule.xml")
            #expect(xml.headers[.contentType] == "application/xml; charset=utf-8")
            #expect(xml.text.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</title>"))
            #expect(xml.text.contains("guid=\"\(guid.lowercased())\"") && xml.text.contains("<person id=\"\(speaker)\">Li Wei</person>"))
            // Conditional requests.
            let etag = try #require(xml.headers[.eTag])
            #expect(try await api.get("/api/v1/events/hamburg-2017/schedule.xml", headers: [.ifNoneMatch: etag]).status == .notModified)
            try await api.get("/api/v1/events/nothing/schedule.json").expectProblem(.notFound)
        }
    }

    @Test("one render per schedule version and format, not per request; If-None-Match is answered before rendering; a change renders anew")
    func rendersOncePerVersion() async throws {
        try await withTandem { api in
            let renders = try #require(api.exportRenders)
            let admin = try await api.login()
            let (roomA, roomB, _) = try await admin.seedEvent()
            #expect(try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: roomA, title: "Opening")).status == .created)
            let base = "/api/v1/events/hamburg-2017/schedule"
            let start = renders.value
            var first: [String: Reply] = [:]
            for path in [".ics", ".xml", ".json", ".ics?room=\(roomB)"] {
                first[path] = try await api.get(base + path)
                #expect(first[path]?.status == .ok)
            }
            #expect(renders.value == start + 4)
            // Answered from the cache: the same body and headers, nothing rendered.
            for (path, reply) in first {
                for _ in 0..<3 {
                    let again = try await api.get(base + path)
                    #expect(again.status == .ok && again.body == reply.body)
                    #expect(again.headers[.eTag] == reply.headers[.eTag] && again.headers[.contentType] == reply.headers[.contentType])
                    #expect(again.headers[.contentDisposition] == reply.headers[.contentDisposition])
                }
            }
            #expect(renders.value == start + 4)
            let etag = try #require(first[".ics"]?.headers[.eTag])
            #expect(try await api.get(base + ".ics", headers: [.ifNoneMatch: etag]).status == .notModified)
            // An unknown room is still refused from a warm cache.
            try await api.get(base + ".ics?room=999").expectProblem(.unprocessableContent)
            try await api.get(base + ".ics?room=x").expectProblem(.unprocessableContent)
            #expect(renders.value == start + 4)

            // A change: the next read renders the new version, once.
            #expect(try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: roomB, start: "2017-06-15T14:00:00+02:00",
                                                                                              end: "2017-06-15T15:00:00+02:00", title: "Closing")).status == .created)
            let version = try await api.scheduleVersion("hamburg-2017")
            // A client that already has the new version (its tag) gets the 304 without a render.
            let current = "\"ics-\(version)-0\""
            let notModified = try await api.get(base + ".ics", headers: [.ifNoneMatch: current])
            #expect(notModified.status == .notModified && notModified.headers[.eTag] == current)
            #expect(renders.value == start + 4)
            let stale = try await api.get(base + ".ics", headers: [.ifNoneMatch: etag])
            #expect(stale.status == .ok && stale.headers[.eTag] == current)
            #expect(stale.text.contains("SUMMARY:Closing") && stale.text.contains("SUMMARY:Opening"))
            #expect(try await api.get(base + ".ics").body == stale.body)
            let xml = try await api.get(base + ".xml")
            #expect(xml.text.contains("Closing") && xml.headers[.eTag] != first[".xml"]?.headers[.eTag])
            #expect(renders.value == start + 6)
        }
    }
}
