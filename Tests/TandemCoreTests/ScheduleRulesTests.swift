import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Schedule rules", .timeLimit(.minutes(1)))
struct ScheduleRulesTests {
    let event = makeEvent()

    @Test("a session must end after it starts")
    func endAfterStart() {
        let errors = ScheduleRules.validate(makeSession(1, "2017-06-15 10:00", "2017-06-15 10:00"), in: event)
        #expect(errors.map(\.field) == ["endsAt"])
    }

    @Test("a session must lie inside the event", arguments: [
        ("2017-06-15 07:30", "2017-06-15 09:00", "startsAt"),
        ("2017-06-16 19:30", "2017-06-16 20:30", "endsAt"),
    ])
    func insideEvent(start: String, end: String, field: String) {
        let errors = ScheduleRules.validate(makeSession(1, start, end), in: event)
        #expect(errors.map(\.field) == [field])
        #expect(errors.first?.message.contains("2017-06-15T08:00:00+02:00") == true)
    }

    @Test("a session exactly filling the event is fine")
    func fillsEvent() {
        #expect(ScheduleRules.validate(makeSession(1, "2017-06-15 08:00", "2017-06-15 20:00"), in: event).isEmpty)
    }

    @Test("a room cannot hold two overlapping sessions; the clash names the session already there")
    func roomOverlap() throws {
        let existing = makeSession(1, room: 1, "2017-06-15 10:00", "2017-06-15 11:00")
        let candidate = makeSession(2, room: 1, "2017-06-15 10:30", "2017-06-15 11:30")
        let conflicts = ScheduleRules.conflicts(of: candidate, with: [existing])
        let conflict = try #require(conflicts.first)
        #expect(conflicts.count == 1)
        #expect(conflict.reason == .roomOccupied(.init(1)))
        #expect(conflict.conflictingSession.id == existing.id)
    }

    @Test("back-to-back sessions do not overlap; other rooms and cancelled sessions do not clash")
    func noOverlap() {
        let candidate = makeSession(2, room: 1, "2017-06-15 11:00", "2017-06-15 12:00")
        let others = [
            makeSession(1, room: 1, "2017-06-15 10:00", "2017-06-15 11:00"),
            makeSession(3, room: 2, "2017-06-15 11:00", "2017-06-15 12:00"),
            makeSession(4, room: 1, "2017-06-15 11:15", "2017-06-15 11:45", status: .cancelled),
        ]
        #expect(ScheduleRules.conflicts(of: candidate, with: others).isEmpty)
    }

    @Test("a speaker cannot be in two overlapping sessions, even in different rooms")
    func speakerDoubleBooked() throws {
        let existing = makeSession(1, room: 2, "2017-06-15 10:00", "2017-06-15 11:00", speakers: [7, 8])
        let candidate = makeSession(2, room: 1, "2017-06-15 10:45", "2017-06-15 11:30", speakers: [8])
        let conflicts = ScheduleRules.conflicts(of: candidate, with: [existing])
        #expect(conflicts.map(\.reason) == [.speakerDoubleBooked(.init(8))])
        #expect(conflicts.first?.conflictingSession.id == .init(1))
    }

    @Test("moving a session onto itself is not a clash")
    func selfIsNotAClash() {
        let session = makeSession(1, "2017-06-15 10:00", "2017-06-15 11:00", speakers: [1])
        #expect(ScheduleRules.conflicts(of: session, with: [session]).isEmpty)
    }

    @Test("check throws field errors before conflicts")
    func checkOrder() {
        let bad = makeSession(2, "2017-06-15 11:00", "2017-06-15 10:00")
        #expect(throws: ValidationError.self) {
            try ScheduleRules.check(bad, in: event, others: [makeSession(1, "2017-06-15 10:00", "2017-06-15 12:00")])
        }
        let clash = makeSession(2, "2017-06-15 10:30", "2017-06-15 11:00")
        #expect(throws: ScheduleConflictError.self) {
            try ScheduleRules.check(clash, in: event, others: [makeSession(1, "2017-06-15 10:00", "2017-06-15 12:00")])
        }
    }

    @Test("capacity, language and duplicate speakers are validated")
    func fields() {
        var session = makeSession(1, "2017-06-15 10:00", "2017-06-15 11:00", speakers: [3, 3])
        session.capacity = 0
        session.language = "English"
        session.title = TranslatedText(en: "  ")
        let fields = Set(ScheduleRules.validate(session, in: event).map(\.field))
        #expect(fields == ["capacity", "language", "speakerIds", "title.en"])
    }
}
