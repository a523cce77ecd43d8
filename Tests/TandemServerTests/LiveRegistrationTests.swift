import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Registrations under concurrent load, through the real HTTP server", .timeLimit(.minutes(5)))
struct LiveRegistrationTests {
    /// The issue's 500-on-50 burst, scaled to keep CI fast; tandem-bench runs it at full size.
    static let attendees = 150
    static let seats = 15

    @Test("a burst on a small event: exactly `seats` confirmed, the rest waitlisted 1…n; 5 cancellations promote 1…5", arguments: StoreKind.available)
    func eventBurst(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(capacity: Self.seats)
            let port = try #require(anonymous.port)
            let outcomes = try await Burst.post(port: port, path: "/api/v1/events/hamburg-2017/registrations",
                                                bodies: (1...Self.attendees).map { Attendee.body($0) }, connections: 25)
            let replies = outcomes.compactMap(\.reply)
            #expect(replies.count == Self.attendees && replies.allSatisfy { $0.status == .created })
            let confirmed = replies.filter { $0.json["status"].string == "confirmed" }
            let waitlisted = replies.filter { $0.json["status"].string == "waitlisted" }
            #expect(confirmed.count == Self.seats)
            #expect(waitlisted.compactMap { $0.json["waitlistPosition"].int }.sorted() == Array(1...(Self.attendees - Self.seats)))
            // Seat counts are brought up to date once per group-commit batch: exact after the burst.
            let afterBurst = try await anonymous.get("/api/v1/events/hamburg-2017").json["seats"]
            #expect(afterBurst["confirmed"].int == Self.seats && afterBurst["waitlisted"].int == Self.attendees - Self.seats)

            let byPosition = Dictionary(uniqueKeysWithValues: waitlisted.map { ($0.json["waitlistPosition"].int!, $0.json["token"].string!) })
            for reply in confirmed.prefix(5) {
                #expect(try await anonymous.delete("/api/v1/registrations/\(reply.json["token"].string!)").status == .ok)
            }
            for position in 1...5 {
                #expect(try await anonymous.get("/api/v1/registrations/\(byPosition[position]!)").json["status"].string == "confirmed")
            }
            #expect(try await anonymous.get("/api/v1/registrations/\(byPosition[6]!)").json["waitlistPosition"].int == 1)
            let seats = try await anonymous.get("/api/v1/events/hamburg-2017").json["seats"]
            #expect(seats["confirmed"].int == Self.seats && seats["waitlisted"].int == Self.attendees - Self.seats - 5)
        }
    }

    @Test("a burst on one workshop: exactly its seats confirmed, its own waitlist 1…n; 5 leaving promote 1…5", arguments: StoreKind.available)
    func workshopBurst(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let admin = try await anonymous.login()
            let workshop = try await admin.openEvent(capacity: 1000, workshopSeats: 10)
            let port = try #require(anonymous.port)
            let outcomes = try await Burst.post(port: port, path: "/api/v1/events/hamburg-2017/registrations",
                                                bodies: (1...60).map { Attendee.body($0, sessions: [workshop]) }, connections: 20)
            let replies = outcomes.compactMap(\.reply)
            #expect(replies.count == 60 && replies.allSatisfy { $0.status == .created && $0.json["status"].string == "confirmed" })
            let choices = replies.map { $0.json["sessions"][0] }
            #expect(choices.filter { $0["status"].string == "confirmed" }.count == 10)
            #expect(choices.compactMap { $0["waitlistPosition"].int }.sorted() == Array(1...50))
            let byPosition = Dictionary(uniqueKeysWithValues: replies.compactMap { r in r.json["sessions"][0]["waitlistPosition"].int.map { ($0, r.json["token"].string!) } })
            let holders = replies.filter { $0.json["sessions"][0]["status"].string == "confirmed" }.prefix(5)
            for reply in holders {
                #expect(try await anonymous.patch("/api/v1/registrations/\(reply.json["token"].string!)", #"{"sessionIds":[]}"#).status == .ok)
            }
            for position in 1...5 {
                #expect(try await anonymous.get("/api/v1/registrations/\(byPosition[position]!)").json["sessions"][0]["status"].string == "confirmed")
            }
            let session = try await anonymous.get("/api/v1/events/hamburg-2017/sessions/\(workshop)").json["seats"]
            #expect(session["confirmed"].int == 10 && session["waitlisted"].int == 45)
        }
    }
}
