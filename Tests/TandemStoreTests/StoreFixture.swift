import Foundation
import Synchronization
import TandemCore
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

/// Collects what the store hands to its change sink.
final class RecordingSink: ChangeSink {
    private let received = Mutex<[Change]>([])
    func committed(_ changes: [Change]) { received.withLock { $0 += changes } }
    var changes: [Change] { received.withLock { $0 } }
}

/// A store on a fresh temporary database, with a test clock and a recording sink.
struct StoreFixture {
    let store: SQLiteStore
    let clock = TestClock()
    let sink = RecordingSink()
    let path = temporaryDatabasePath()

    init() throws {
        store = try SQLiteStore(path: path, clock: clock, sink: sink, tokens: TestTokens())
        try store.migrate()
    }

    /// An event with two rooms and two speakers, ready for sessions.
    func seed(slug: String = "hamburg-2017") async throws -> (event: Event, rooms: [Room], speakers: [Speaker]) {
        let event = try await store.createEvent(makeEvent(slug: slug), by: "organiser@example.org")
        let roomA = try await store.createRoom(eventSlug: slug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "organiser@example.org")
        let roomB = try await store.createRoom(eventSlug: slug, Room(id: .init(0), eventID: .init(0), name: "Room B"), by: "organiser@example.org")
        let li = try await store.createSpeaker(Speaker(id: .init(0), name: "Li Wei", nameZh: "李伟", fellowship: Fellowship(cohort: 2017)), by: "organiser@example.org")
        let anna = try await store.createSpeaker(Speaker(id: .init(0), name: "Anna Kowalska", country: "PL"), by: "organiser@example.org")
        return (event, [roomA, roomB], [li, anna])
    }

    func newSession(room: Room, _ start: String, _ end: String, speakers: [Speaker] = [], title: String = "Fundraising") -> Session {
        Session(id: .init(0), eventID: .init(0), guid: UUID(), title: TranslatedText(en: title, zh: "筹款"), kind: .workshop,
                roomID: room.id, startsAt: at(start), endsAt: at(end), speakerIDs: speakers.map(\.id), capacity: 20)
    }

    func attendee(_ n: Int, sessions: [Session] = [], language: Language = .en) -> RegistrationRequest {
        RegistrationRequest(name: "Attendee \(n)", email: "attendee\(n)@example.org", organisation: "NGO \(n)", country: "DE",
                            language: language, sessionIDs: sessions.map(\.id), consent: true)
    }

    /// An event with `capacity` seats, open for registration, and one workshop with `workshopSeats`.
    func openEvent(capacity: Int?, workshopSeats: Int = 2) async throws -> (event: Event, workshop: Session, other: Session) {
        var event = makeEvent(slug: "open-\(UUID().uuidString.prefix(8).lowercased())")
        event.capacity = capacity
        let created = try await store.createEvent(event, by: "o")
        let room = try await store.createRoom(eventSlug: created.slug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "o")
        var workshop = newSession(room: room, "2017-06-15 10:00", "2017-06-15 11:00")
        workshop.capacity = workshopSeats
        var other = newSession(room: room, "2017-06-15 11:00", "2017-06-15 12:00", title: "Advocacy")
        other.capacity = 10
        return (created, try await store.createSession(eventSlug: created.slug, workshop, by: "o").session,
                try await store.createSession(eventSlug: created.slug, other, by: "o").session)
    }

    func changeCount(eventSlug: String) async throws -> Int {
        try await store.changes(eventSlug: eventSlug, after: 0, limit: 10_000).count
    }
}
