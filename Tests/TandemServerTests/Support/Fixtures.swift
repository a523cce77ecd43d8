import Foundation
import Testing

/// Request bodies with sensible defaults, overridable where a test cares.
enum Body {
    /// `mode`: tests about something else register on `instant` events; `nil` leaves the default (`verified`).
    static func event(slug: String = "hamburg-2017", zone: String = "Europe/Berlin", status: String = "published",
                      start: String = "2017-06-15T08:00:00+02:00", end: String = "2017-06-16T20:00:00+02:00", mode: String? = "instant",
                      extra: String = "") -> String {
        let extra = (mode.map { #","registrationMode":"\#($0)""# } ?? "") + extra
        return """
        {"slug":"\(slug)","kind":"workshop","status":"\(status)","title":{"en":"Capacity-Building Workshop","zh":"能力建设工作坊"},
         "timezone":"\(zone)","startsAt":"\(start)","endsAt":"\(end)",
         "venue":{"name":"Elbforum","address":"Alsterufer 12","city":"Hamburg","country":"DE"},"capacity":60\(extra)}
        """
    }

    static func session(room: Int, start: String = "2017-06-15T10:00:00+02:00", end: String = "2017-06-15T11:00:00+02:00",
                        title: String = "Fundraising for NGOs", speakers: [Int] = [], capacity: Int? = 20) -> String {
        """
        {"title":{"en":"\(title)","zh":"非政府组织筹款"},"kind":"workshop","roomId":\(room),"startsAt":"\(start)","endsAt":"\(end)",
         "speakerIds":\(speakers),"language":"en"\(capacity.map { ",\"capacity\":\($0)" } ?? "")}
        """
    }
}

extension API {
    /// The check-in body for a registration, with the code its attendee's page shows.
    func checkInBody(token: String) async throws -> String {
        let code = try #require(try await get("/api/v1/registrations/\(token)").json["checkInCode"].string)
        return #"{"code":"\#(code)"}"#
    }

    /// An event with two rooms (A, B) and one fellow, created through the API. Returns the room ids and speaker id.
    func seedEvent(slug: String = "hamburg-2017") async throws -> (roomA: Int, roomB: Int, speaker: Int) {
        try #require(try await post("/api/v1/events", Body.event(slug: slug)).status == .created)
        let a = try await post("/api/v1/events/\(slug)/rooms", #"{"name":"Room A","capacity":40}"#)
        let b = try await post("/api/v1/events/\(slug)/rooms", #"{"name":"Room B"}"#)
        let speaker = try await post("/api/v1/speakers", #"{"name":"Li Wei","nameZh":"李伟","organisation":"Green Hands","country":"cn","fellowship":{"cohort":2017,"partnerOrganisation":"Naturfreunde Hamburg"}}"#)
        return (try #require(a.json["id"].int), try #require(b.json["id"].int), try #require(speaker.json["id"].int))
    }

    func scheduleVersion(_ slug: String) async throws -> Int {
        try #require(try await get("/api/v1/events/\(slug)/schedule").json["scheduleVersion"].int)
    }
}
