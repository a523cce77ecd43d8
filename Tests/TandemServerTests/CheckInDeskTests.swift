import Foundation
import HTTPTypes
import Testing
@testable import TandemServer
import TandemTestSupport

@Suite("Organiser console: the door (check-in answers and the count)", .timeLimit(.minutes(5)))
struct CheckInDeskTests {
    @Test("every scan answers with an outcome and a sentence with the attendee's name; the count follows", arguments: StoreKind.available)
    func doorAnswers(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            _ = try await admin.openEvent(capacity: 2)
            var ids: [Int] = [], codes: [String] = []
            for n in 1...4 {
                let reply = try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(n)).json
                ids.append(try #require(reply["id"].int))
                codes.append(try await api.checkInBody(token: try #require(reply["token"].string)))
            }
            // 1 and 2 are confirmed, 3 and 4 wait; 2 is cancelled, and 3 gets the seat.
            #expect(try await admin.post("/api/v1/events/hamburg-2017/registrations/\(ids[1])/cancel", "{}").json["status"].string == "cancelled")
            let desk = try await api.account(.checkin)
            #expect(try await desk.get("/api/v1/events/hamburg-2017/checkins/summary").json == .object(["checkedIn": .number(0), "confirmed": .number(2)]))

            let first = try await desk.post("/api/v1/events/hamburg-2017/checkins", codes[0]).json
            #expect(first["outcome"].string == "checked-in" && first["alreadyCheckedIn"].bool == false && first["name"].string == "Attendee 1")
            #expect(first["checkedInAt"].string == "2017-06-01T12:00:00+02:00" && first["message"].string == "Attendee 1 is checked in.")
            #expect(first["registration"]["id"].int == ids[0])
            let again = try await desk.post("/api/v1/events/hamburg-2017/checkins", codes[0]).json
            #expect(again["outcome"].string == "already-checked-in" && again["alreadyCheckedIn"].bool == true)
            #expect(again["checkedInAt"].string == "2017-06-01T12:00:00+02:00")
            #expect(again["message"].string == "Attendee 1 was already checked in at Thu 1 Jun 12:00.")
            let summary = try await desk.get("/api/v1/events/hamburg-2017/checkins/summary")
            #expect(summary.json == .object(["checkedIn": .number(1), "confirmed": .number(2)]) && summary.headers[.cacheControl] == "no-store")

            let waiting = try await desk.post("/api/v1/events/hamburg-2017/checkins", codes[3]).expectProblem(.conflict, code: "not-confirmed")
            #expect(waiting["outcome"].string == "waitlisted" && waiting["name"].string == "Attendee 4" && waiting["registrationId"].int == ids[3])
            #expect(waiting["detail"].string == "Attendee 4 is on the waitlist, not confirmed: not checked in.")
            let cancelled = try await desk.post("/api/v1/events/hamburg-2017/checkins", codes[1]).expectProblem(.conflict, code: "not-confirmed")
            #expect(cancelled["outcome"].string == "cancelled" && cancelled["detail"].string == "Attendee 2's registration is cancelled: not checked in.")
            for unknown in [#"{"code":"99-AAAA-AAAA"}"#, #"{"code":"hello"}"#] {
                let problem = try await desk.post("/api/v1/events/hamburg-2017/checkins", unknown).expectProblem(.notFound, code: "not-found")
                #expect(problem["outcome"].string == "unknown-code" && problem["name"].isNull)
            }
            let noEvent = try await admin.post("/api/v1/events/nowhere/checkins", codes[0]).expectProblem(.notFound)
            #expect(noEvent["outcome"].isNull)
            #expect(try await desk.post("/api/v1/events/hamburg-2017/checkins", codes[2]).json["outcome"].string == "checked-in")
            #expect(try await desk.get("/api/v1/events/hamburg-2017/checkins/summary").json["checkedIn"].int == 2)
            try await api.get("/api/v1/events/hamburg-2017/checkins/summary").expectProblem(.unauthorized)
            try await desk.get("/api/v1/events/nowhere/checkins/summary").expectProblem(.notFound)
        }
    }

    @Test("a hold not yet confirmed from its e-mail is refused by name with what to do")
    func pending() {
        let problem = CheckInController.refused(.pending)
        #expect(problem.status == .conflict && problem.code == "awaiting-confirmation" && problem.outcome == "pending")
        #expect(problem.detail == "This attendee has not confirmed the registration from its e-mail yet: not checked in. They should open the link in that e-mail first.")
    }
}
