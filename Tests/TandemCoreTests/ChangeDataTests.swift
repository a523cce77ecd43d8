import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Change payloads", .timeLimit(.minutes(1)))
struct ChangeDataTests {
    @Test("every change survives the round trip through the log's JSON")
    func roundTrip() throws {
        let session = SessionDetail(session: makeSession(1, "2017-06-15 10:00", "2017-06-15 11:00", speakers: [2]),
                                    speakers: [Speaker(id: .init(2), name: "Li Wei", nameZh: "李伟", fellowship: Fellowship(cohort: 2017))])
        let changes: [ChangeData] = [
            .eventUpdated(makeEvent()), .sessionUpdated(session), .sessionCancelled(session),
            .scheduleDelayed(DelayApplied(delay: Delay(roomID: nil, from: at("2017-06-15 10:00"), minutes: 15), sessions: [session])),
            .roomCreated(Room(id: .init(1), eventID: .init(1), name: "Room B")),
        ]
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for change in changes {
            let decoded = try ChangeData.decode(type: change.type, payload: change.encodedPayload(using: encoder), using: decoder)
            #expect(decoded == change)
        }
        #expect(throws: UnknownChangeType.self) { try ChangeData.decode(type: "x.y", payload: Data("{}".utf8), using: decoder) }
    }

    @Test("enum decoding names the allowed values")
    func enumErrors() {
        #expect {
            try JSONDecoder().decode([Session.Kind].self, from: Data(#"["keynote"]"#.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription == "must be one of: talk, workshop, panel, plenary, break, other"
        }
    }
}
