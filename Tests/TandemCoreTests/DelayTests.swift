import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Delays: 'room B runs 15 minutes late'", .timeLimit(.minutes(1)))
struct DelayTests {
    let event = makeEvent()
    let sessions = [
        makeSession(1, room: 1, "2017-06-15 09:00", "2017-06-15 10:00"),
        makeSession(2, room: 1, "2017-06-15 10:00", "2017-06-15 11:00"),
        makeSession(3, room: 1, "2017-06-15 11:00", "2017-06-15 12:00"),
        makeSession(4, room: 2, "2017-06-15 10:30", "2017-06-15 11:30"),
        makeSession(5, room: 1, "2017-06-15 12:00", "2017-06-15 13:00", status: .cancelled),
    ]

    @Test("one room: later sessions move, the running one overruns, other rooms and cancelled sessions stay")
    func oneRoom() throws {
        let moved = try Delay(roomID: .init(1), from: at("2017-06-15 10:30"), minutes: 15).plan(for: event, sessions: sessions)
        #expect(moved.map(\.id) == [.init(2), .init(3)])
        #expect(moved[0].startsAt == at("2017-06-15 10:00"))
        #expect(moved[0].endsAt == at("2017-06-15 11:15"))
        #expect(moved[1].startsAt == at("2017-06-15 11:15"))
        #expect(moved[1].endsAt == at("2017-06-15 12:15"))
    }

    @Test("all rooms: every session starting at or after 'from' moves")
    func allRooms() throws {
        let moved = try Delay(roomID: nil, from: at("2017-06-15 10:00"), minutes: 20).plan(for: event, sessions: sessions)
        #expect(moved.map(\.id) == [.init(2), .init(4), .init(3)])
        #expect(moved.allSatisfy { $0.span.duration == 3600 })
    }

    @Test("a session that ended before 'from' is untouched")
    func pastSessions() throws {
        let moved = try Delay(roomID: .init(1), from: at("2017-06-15 12:30"), minutes: 10).plan(for: event, sessions: sessions)
        #expect(moved.isEmpty)
    }

    @Test("pulling sessions earlier onto the previous one is a room conflict")
    func negativeDelayConflict() {
        #expect(throws: ScheduleConflictError.self) {
            try Delay(roomID: .init(1), from: at("2017-06-15 10:00"), minutes: -30).plan(for: event, sessions: sessions)
        }
    }

    @Test("a delay that pushes a session past the event's end is refused")
    func outsideEvent() {
        let late = [makeSession(1, room: 1, "2017-06-16 19:00", "2017-06-16 20:00")]
        #expect(throws: ValidationError.self) {
            try Delay(roomID: nil, from: at("2017-06-16 18:00"), minutes: 15).plan(for: event, sessions: late)
        }
    }

    @Test("a delay that makes a shared speaker overlap across rooms is refused")
    func speakerConflict() {
        let shared = [
            makeSession(1, room: 1, "2017-06-15 10:00", "2017-06-15 11:00", speakers: [9]),
            makeSession(2, room: 2, "2017-06-15 11:00", "2017-06-15 12:00", speakers: [9]),
        ]
        #expect(throws: ScheduleConflictError.self) {
            try Delay(roomID: .init(1), from: at("2017-06-15 10:30"), minutes: 15).plan(for: event, sessions: shared)
        }
    }

    @Test("minutes must be non-zero and at most 12 hours", arguments: [0, 721, -721])
    func minutes(value: Int) {
        #expect(Delay(roomID: nil, from: at("2017-06-15 10:00"), minutes: value).validate().map(\.field) == ["minutes"])
    }
}
