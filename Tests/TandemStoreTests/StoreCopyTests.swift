import Foundation
import Logging
import PostgresNIO
import Testing
import TandemCopy
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemStore
import TandemTestSupport

@Suite("tandem copy: a SQLite programme into an empty PostgreSQL database", .timeLimit(.minutes(5)),
       .enabled(if: StoreKind.postgresServerURL != nil, "TANDEM_TEST_POSTGRES is unset: tandem copy needs a PostgreSQL server (.ci/run sets it)"))
struct StoreCopyTests {
    static let logger: Logger = {
        var logger = Logger(label: "tandem-test.copy")
        logger.logLevel = .error
        return logger
    }()

    /// The demo programme, two accounts (one disabled, one with an event role, a login and an API
    /// token), an expired announcement and a cancelled session, in a new SQLite database.
    static func sqliteProgramme(clock: TestClock) async throws -> (store: SQLiteStore, path: String) {
        let path = temporaryDatabasePath()
        let store = try SQLiteStore(path: path, clock: clock, tokens: TestTokens())
        try store.migrate()
        try await DemoProgramme.load(into: store, makeUUID: { UUID() })
        let ada = try await store.createAccount(email: "ada@example.org", name: "Ada", role: .organiser, passwordHash: "h1", by: "admin")
        let bo = try await store.createAccount(email: "bo@example.org", name: "Bo", role: .organiser, passwordHash: "h2", by: "admin")
        _ = try await store.updateAccount(id: bo.id, patch: AccountPatch(disabled: true), by: "admin")
        let slug = try await store.events(includeDrafts: true)[0].slug
        _ = try await store.setEventRole(accountID: ada.id, eventSlug: slug, role: .checkin, by: "admin")
        let later = clock.now().addingTimeInterval(3600)
        try await store.storeLogin(NewLogin(bearerHash: "b1", bearerExpiresAt: later, sessionHash: "s1", sessionExpiresAt: later), accountID: ada.id)
        _ = try await store.createAPIToken(accountID: ada.id, name: "ci", hash: "t1", expiresAt: later, by: "admin")
        let session = try await store.schedule(slug: slug, announcementsActiveAt: clock.now()).sessions[0].session
        _ = try await store.cancelSession(eventSlug: slug, id: session.id, ifVersion: nil, by: "ada@example.org")
        let announcement = try await store.createAnnouncement(
            eventSlug: slug, Announcement(id: .init(0), eventID: .init(0), text: TranslatedText(en: "Lunch moves"), severity: .info,
                                          createdAt: clock.now()), by: "ada@example.org")
        _ = try await store.expireAnnouncement(eventSlug: slug, id: announcement.id, by: "ada@example.org")
        try await registrations(in: store)
        return (store, path)
    }

    static let registrationSlug = "copy-registrations"

    /// An event with a two-seat workshop and four attendees: two seated, one on its waitlist, one
    /// cancelled (which moves the waitlisted one up) and their e-mails in the outbox.
    static func registrations(in store: SQLiteStore) async throws {
        var event = makeEvent(slug: registrationSlug)
        event.capacity = 10
        _ = try await store.createEvent(event, by: "ada@example.org")
        let room = try await store.createRoom(eventSlug: registrationSlug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "ada@example.org")
        let workshop = try await store.createSession(
            eventSlug: registrationSlug,
            Session(id: .init(0), eventID: .init(0), guid: UUID(), title: TranslatedText(en: "Fundraising"), kind: .workshop, roomID: room.id,
                    startsAt: at("2017-06-15 10:00"), endsAt: at("2017-06-15 11:00"), capacity: 2), by: "ada@example.org").session
        var tokens: [String] = []
        for n in 1...4 {
            let request = RegistrationRequest(name: "Attendee \(n)", email: "attendee\(n)@example.org", organisation: n == 1 ? nil : "NGO \(n)",
                                              country: "DE", language: n == 2 ? .zh : .en, sessionIDs: [workshop.id], consent: true)
            tokens.append(try await store.register(eventSlug: registrationSlug, request).token)
        }
        _ = try await store.cancelRegistration(token: tokens[0])
    }

    static func openPostgres(_ url: String, clock: TestClock) async throws -> PostgresStore {
        let store = try await PostgresStore.open(url: url, clock: clock, tokens: TestTokens(), logger: logger)
        try await store.migrate()
        return store
    }

    @Test("every table arrives with its ids, the change log, the audit log, booleans, times and nulls; new rows get fresh ids")
    func copiesEverything() async throws {
        let clock = TestClock()
        let (sqlite, path) = try await Self.sqliteProgramme(clock: clock)
        let url = try await PostgresTestDatabases.create()
        let report = try await StoreCopy.copy(fromSQLite: path, toPostgres: url, logger: Self.logger)
        let postgres = try await Self.openPostgres(url, clock: clock)
        do {
            let events = try await sqlite.events(includeDrafts: true)
            #expect(events.count >= 5 && events.contains { $0.parentSlug != nil }, "the demo has side events under a parent")
            #expect(try await postgres.events(includeDrafts: true) == events)
            #expect(report.rows(in: "event") == events.count)
            for event in events {
                #expect(try await postgres.schedule(slug: event.slug, announcementsActiveAt: clock.now())
                    == sqlite.schedule(slug: event.slug, announcementsActiveAt: clock.now()), "\(event.slug)")
                #expect(try await postgres.changes(eventSlug: event.slug, after: 0, limit: 10_000)
                    == sqlite.changes(eventSlug: event.slug, after: 0, limit: 10_000), "\(event.slug)")
                #expect(try await postgres.scheduleVersion(slug: event.slug) == sqlite.scheduleVersion(slug: event.slug))
                #expect(try await postgres.speakers(eventSlug: event.slug) == sqlite.speakers(eventSlug: event.slug))
            }
            // Also the order: fellows by cohort, newest first, then everyone else (NULLS LAST on PostgreSQL).
            #expect(try await postgres.speakerDirectory(fellowsOnly: false, cohort: nil) == sqlite.speakerDirectory(fellowsOnly: false, cohort: nil))
            #expect(try await postgres.accounts() == sqlite.accounts())
            #expect(try await postgres.accounts().contains { $0.disabled })
            #expect(try await postgres.apiTokens(accountID: nil) == sqlite.apiTokens(accountID: nil))
            #expect(try await postgres.auditLog(eventSlug: nil, before: nil, limit: 1000) == sqlite.auditLog(eventSlug: nil, before: nil, limit: 1000))
            #expect(try await postgres.account(tokenHash: "b1", kind: .bearer, at: clock.now())?.email == "ada@example.org", "logins still work")
            #expect(report.totalRows > 0 && report.description.contains("session"))

            // Registrations: seats, waitlist order, cancellations, e-mails queued, and tokens that still work.
            let everyone = RegistrationQuery(limit: 100)
            let registrations = try await sqlite.registrations(eventSlug: Self.registrationSlug, query: everyone)
            #expect(registrations.count == 4)
            #expect(Set(registrations.map(\.status)).count >= 2, "confirmed, waitlisted or cancelled: \(registrations.map(\.status))")
            #expect(try await postgres.registrations(eventSlug: Self.registrationSlug, query: everyone) == registrations)
            for registration in registrations {
                #expect(try await postgres.registration(eventSlug: Self.registrationSlug, id: registration.id)
                    == sqlite.registration(eventSlug: Self.registrationSlug, id: registration.id))
            }
            #expect(report.rows(in: "registrationSession") > 0)
            #expect(report.rows(in: "outbox") > 0)
            #expect(try await postgres.outboxBacklog() == sqlite.outboxBacklog())

            // New rows: ids past the copied ones, and the event's next seq after its copied ones.
            let event = events[0]
            let maxSession = try await sqlite.schedule(slug: event.slug, announcementsActiveAt: clock.now()).sessions.map(\.session.id.rawValue).max() ?? 0
            let rooms = try await postgres.schedule(slug: event.slug, announcementsActiveAt: clock.now()).rooms
            let version = try await postgres.scheduleVersion(slug: event.slug)
            let session = Session(id: .init(0), eventID: .init(0), guid: UUID(), title: TranslatedText(en: "After the copy"), kind: .talk,
                                  roomID: rooms[0].id, startsAt: event.endsAt.addingTimeInterval(-600), endsAt: event.endsAt)
            let created = try await postgres.createSession(eventSlug: event.slug, session, by: "ada@example.org")
            #expect(created.session.id.rawValue > maxSession)
            #expect(try await postgres.changes(eventSlug: event.slug, after: version, limit: 10).map(\.seq) == [version + 1])
            let newEvent = try await postgres.createEvent(makeEvent(slug: "after-the-copy"), by: "admin")
            #expect(newEvent.id.rawValue > events.map(\.id.rawValue).max()!)
            let speaker = try await postgres.createSpeaker(Speaker(id: .init(0), name: "New Speaker"), by: "admin")
            #expect(try await sqlite.speakerDirectory(fellowsOnly: false, cohort: nil).allSatisfy { $0.speaker.id.rawValue < speaker.id.rawValue })
            let account = try await postgres.createAccount(email: "new@example.org", name: "New", role: .organiser, passwordHash: "h", by: "admin")
            #expect(try await sqlite.accounts().allSatisfy { $0.id.rawValue < account.id.rawValue })
        } catch {
            await postgres.close()
            throw error
        }
        await postgres.close()
    }

    @Test("a target that holds any row is refused in a sentence, and nothing is written to it")
    func refusesNonEmptyTarget() async throws {
        let clock = TestClock()
        let (_, path) = try await Self.sqliteProgramme(clock: clock)
        let url = try await PostgresTestDatabases.create()
        let postgres = try await Self.openPostgres(url, clock: clock)
        do {
            _ = try await postgres.createAccount(email: "someone@example.org", name: "Someone", role: .organiser, passwordHash: "h", by: "admin")
            let error = await #expect(throws: CopyFailure.self) {
                _ = try await StoreCopy.copy(fromSQLite: path, toPostgres: url, logger: Self.logger)
            }
            #expect(error?.description.contains("already holds data (in account") == true, "\(error?.description ?? "")")
            #expect(error?.description.contains("nothing was written") == true)
            #expect(try await postgres.events(includeDrafts: true).isEmpty)
            #expect(try await postgres.accounts().map(\.email) == ["someone@example.org"])
        } catch {
            await postgres.close()
            throw error
        }
        await postgres.close()
    }

    @Test("a missing SQLite file is refused without creating one")
    func missingSource() async throws {
        let path = temporaryDatabasePath()
        let url = try await PostgresTestDatabases.create()
        await #expect(throws: CopyFailure.self) { _ = try await StoreCopy.copy(fromSQLite: path, toPostgres: url, logger: Self.logger) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
