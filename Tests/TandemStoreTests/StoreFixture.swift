import Foundation
import GRDB
import Synchronization
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
@testable import TandemSQLite
import TandemTestSupport

/// Collects what the store hands to its change sink.
final class RecordingSink: ChangeSink {
    private let received = Mutex<[Change]>([])
    func committed(_ changes: [Change]) { received.withLock { $0 += changes } }
    var changes: [Change] { received.withLock { $0 } }
}

/// The builders every fixture offers: an event with rooms and speakers, sessions, attendees.
protocol FixtureBuilders {
    /// The store, seen through the protocols only.
    var storage: any TandemStorage { get }
    var clock: TestClock { get }
}

/// A SQLite store on a fresh temporary file, for the tests that need SQLite itself (GRDB reads,
/// the group-commit batch, backups, pragmas).
struct StoreFixture: FixtureBuilders {
    let store: SQLiteStore
    let clock = TestClock()
    let sink = RecordingSink()
    let path = temporaryDatabasePath()
    var storage: any TandemStorage { store }

    init() throws {
        store = try SQLiteStore(path: path, clock: clock, sink: sink, tokens: TestTokens())
        try store.migrate()
    }
}

/// A store of either kind on its own new database (a temporary SQLite file, or a new PostgreSQL
/// database), with a test clock, a recording sink and test tokens. Open it with `withFixture`,
/// which always closes it.
struct AnyStoreFixture: FixtureBuilders {
    let kind: StoreKind
    let store: any TandemStorage
    let clock: TestClock
    let sink: RecordingSink
    /// The SQLite file, or the PostgreSQL database's URL.
    let location: String
    var storage: any TandemStorage { store }

    /// Rows of a query written so that both databases understand it, each as one string.
    func strings(_ sql: String) async throws -> [String] {
        switch kind {
        case .sqlite:
            let store = try #require(store as? SQLiteStore)
            return try await store.read { db in try String.fetchAll(db, sql: sql) }
        case .postgres:
            return try await PostgresTestDatabases.strings(location, sql)
        }
    }

    /// One group-commit transaction of registrations, as the store's `RegistrationBatcher` writes it.
    func registerBatch(_ jobs: [RegistrationJob]) async throws -> [Result<RegistrationReceipt, any Error>] {
        switch kind {
        case .sqlite: await (try #require(store as? SQLiteStore)).registerBatch(jobs)
        case .postgres: await (try #require(store as? PostgresStore)).registerBatch(jobs)
        }
    }

    /// Every row of the outbox, all its columns, as text (to look for personal data).
    func outboxRows() async throws -> [String] {
        switch kind {
        case .sqlite:
            let store = try #require(store as? SQLiteStore)
            return try await store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox").map { "\($0)" } }
        case .postgres:
            return try await strings("SELECT row_to_json(outbox)::text FROM outbox ORDER BY id")
        }
    }
}

/// Runs `body` on a fresh store of `kind` and closes the store afterwards, whether `body` threw or not.
func withFixture<T>(_ kind: StoreKind, _ body: (AnyStoreFixture) async throws -> T) async throws -> T {
    let clock = TestClock()
    let sink = RecordingSink()
    let (store, location) = try await kind.openStore(clock: clock, sink: sink, tokens: TestTokens())
    let fixture = AnyStoreFixture(kind: kind, store: store, clock: clock, sink: sink, location: location)
    return try await store.closing { try await body(fixture) }
}

extension FixtureBuilders {
    /// An event with two rooms and two speakers, ready for sessions.
    func seed(slug: String = "hamburg-2017") async throws -> (event: Event, rooms: [Room], speakers: [Speaker]) {
        let event = try await storage.createEvent(makeEvent(slug: slug), by: "organiser@example.org")
        let roomA = try await storage.createRoom(eventSlug: slug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "organiser@example.org")
        let roomB = try await storage.createRoom(eventSlug: slug, Room(id: .init(0), eventID: .init(0), name: "Room B"), by: "organiser@example.org")
        let li = try await storage.createSpeaker(Speaker(id: .init(0), name: "Li Wei", nameZh: "李伟", fellowship: Fellowship(cohort: 2017)), by: "organiser@example.org")
        let anna = try await storage.createSpeaker(Speaker(id: .init(0), name: "Anna Kowalska", country: "PL"), by: "organiser@example.org")
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
        let created = try await storage.createEvent(event, by: "o")
        let room = try await storage.createRoom(eventSlug: created.slug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "o")
        var workshop = newSession(room: room, "2017-06-15 10:00", "2017-06-15 11:00")
        workshop.capacity = workshopSeats
        var other = newSession(room: room, "2017-06-15 11:00", "2017-06-15 12:00", title: "Advocacy")
        other.capacity = 10
        return (created, try await storage.createSession(eventSlug: created.slug, workshop, by: "o").session,
                try await storage.createSession(eventSlug: created.slug, other, by: "o").session)
    }

    func changeCount(eventSlug: String) async throws -> Int {
        try await storage.changes(eventSlug: eventSlug, after: 0, limit: 10_000).count
    }
}
