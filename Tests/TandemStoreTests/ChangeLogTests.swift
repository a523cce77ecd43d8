import Foundation
import GRDB
import Testing
import TandemCore
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

@Suite("Every write: state and change record in one transaction", .timeLimit(.minutes(5)))
struct ChangeLogTests {
    @Test("each mutation appends exactly one change with seq+1, and scheduleVersion follows", arguments: StoreKind.available)
    func oneChangePerMutation(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, speakers) = try await f.seed()
            #expect(event.scheduleVersion == 1)
            var expected = try await f.changeCount(eventSlug: event.slug)
            #expect(expected == 3) // event.created, room.created ×2 (speakers are programme-wide)

            func expectNext(_ type: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                expected += 1
                let changes = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 1000)
                #expect(changes.count == expected, sourceLocation: sourceLocation)
                #expect(changes.map(\.seq) == (1...Int64(expected)).map { $0 }, sourceLocation: sourceLocation)
                #expect(changes.last?.type == type, sourceLocation: sourceLocation)
                #expect(try await f.store.scheduleVersion(slug: event.slug) == Int64(expected), sourceLocation: sourceLocation)
            }

            let detail = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-15 10:00", "2017-06-15 11:00", speakers: [speakers[0]]), by: "o")
            try await expectNext("session.created")
            #expect(detail.session.version == Int64(expected))
            #expect(detail.speakers.map(\.name) == ["Li Wei"])

            var move = SessionPatch()
            move.roomID = .set(rooms[1].id)
            let moved = try await f.store.updateSession(eventSlug: event.slug, id: detail.session.id, patch: move, ifVersion: detail.session.version, by: "o")
            try await expectNext("session.updated")
            #expect(moved.session.version == Int64(expected))

            _ = try await f.store.delaySessions(eventSlug: event.slug, Delay(roomID: rooms[1].id, from: at("2017-06-15 09:00"), minutes: 15), by: "o")
            try await expectNext("schedule.delayed")

            _ = try await f.store.createAnnouncement(eventSlug: event.slug, Announcement(id: .init(0), eventID: .init(0), text: TranslatedText(en: "Lunch"), createdAt: f.clock.now()), by: "o")
            try await expectNext("announcement.created")

            var rename = SpeakerPatch()
            rename.organisation = .set("Green Hands")
            _ = try await f.store.updateSpeaker(id: speakers[0].id, patch: rename, by: "o")
            try await expectNext("speaker.updated")

            _ = try await f.store.cancelSession(eventSlug: event.slug, id: detail.session.id, ifVersion: nil, by: "o")
            try await expectNext("session.cancelled")

            var publish = EventPatch()
            publish.title = .set(TranslatedText(en: "Workshop Hamburg", zh: "汉堡工作坊"))
            _ = try await f.store.updateEvent(slug: event.slug, patch: publish, by: "o")
            try await expectNext("event.updated")

            _ = try await f.store.cancelEvent(slug: event.slug, by: "o")
            try await expectNext("event.updated")
        }
    }

    @Test("an announcement's expiry by the clock is recorded once; one taken down by hand is not recorded again", arguments: StoreKind.available)
    func announcementExpiry(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.seed()
            let timed = try await f.store.createAnnouncement(eventSlug: event.slug, Announcement(
                id: .init(0), eventID: .init(0), text: TranslatedText(en: "Lunch until 13:00"), createdAt: f.clock.now(),
                expiresAt: f.clock.now().addingTimeInterval(60)), by: "o")
            let manual = try await f.store.createAnnouncement(eventSlug: event.slug, Announcement(
                id: .init(0), eventID: .init(0), text: TranslatedText(en: "Taxi"), createdAt: f.clock.now(),
                expiresAt: f.clock.now().addingTimeInterval(30)), by: "o")
            _ = try await f.store.expireAnnouncement(eventSlug: event.slug, id: manual.id, by: "o")
            #expect(try await f.store.recordExpiredAnnouncements() == 0)
            f.clock.advance(by: 61)
            #expect(try await f.store.recordExpiredAnnouncements() == 1)
            #expect(try await f.store.recordExpiredAnnouncements() == 0)
            let expired = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 100).filter { $0.type == "announcement.expired" }
            #expect(expired.count == 2)
            #expect(expired.last?.data == .announcementExpired(timed))
        }
    }

    @Test("a no-op edit records nothing", arguments: StoreKind.available)
    func noOpRecordsNothing(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, _) = try await f.seed()
            let detail = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-15 10:00", "2017-06-15 11:00"), by: "o")
            let before = try await f.changeCount(eventSlug: event.slug)
            var same = SessionPatch()
            same.roomID = .set(rooms[0].id)
            _ = try await f.store.updateSession(eventSlug: event.slug, id: detail.session.id, patch: same, ifVersion: nil, by: "o")
            _ = try await f.store.delaySessions(eventSlug: event.slug, Delay(roomID: rooms[1].id, from: at("2017-06-15 09:00"), minutes: 5), by: "o")
            #expect(try await f.changeCount(eventSlug: event.slug) == before)
        }
    }

    // SQLite only: it fails a write from inside the store's own transaction (GRDB records and the
    // change log), which the protocols do not reach.
    @Test("a write that fails mid-way leaves no state, no change record and nothing published")
    func failedWriteLeavesNothing() async throws {
        let f = try StoreFixture()
        let (event, _, _) = try await f.seed()
        let changesBefore = try await f.changeCount(eventSlug: event.slug)
        let publishedBefore = f.sink.changes.count
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await f.store.write(actor: "o") { db, log in
                var room = RoomRecord(Room(id: .init(0), eventID: event.id, name: "Room C"))
                try room.insert(db)
                try log.append(event: event.id) { _ in .roomCreated(room.domain) }
                throw Boom()
            }
        }
        let schedule = try await f.store.schedule(slug: event.slug, announcementsActiveAt: f.clock.now())
        #expect(schedule.rooms.map(\.name) == ["Room A", "Room B"])
        #expect(schedule.event.scheduleVersion == Int64(changesBefore))
        #expect(try await f.changeCount(eventSlug: event.slug) == changesBefore)
        #expect(f.sink.changes.count == publishedBefore)
    }

    @Test("a refused session (conflict) leaves no row and no change", arguments: StoreKind.available)
    func refusedSessionLeavesNothing(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, speakers) = try await f.seed()
            _ = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-15 10:00", "2017-06-15 11:00", speakers: [speakers[0]]), by: "o")
            let before = try await f.changeCount(eventSlug: event.slug)
            await #expect(throws: ScheduleConflictError.self) {
                try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[1], "2017-06-15 10:30", "2017-06-15 11:30", speakers: [speakers[0]]), by: "o")
            }
            await #expect(throws: ValidationError.self) {
                try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[1], "2017-06-15 10:30", "2017-06-15 11:30", speakers: [Speaker(id: .init(999), name: "Nobody")]), by: "o")
            }
            let schedule = try await f.store.schedule(slug: event.slug, announcementsActiveAt: f.clock.now())
            #expect(schedule.sessions.count == 1)
            #expect(try await f.changeCount(eventSlug: event.slug) == before)
        }
    }

    @Test("the sink receives each committed change once, in seq order", arguments: StoreKind.available)
    func sinkSeesCommits(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.seed()
            let published = f.sink.changes.filter { $0.eventID == event.id }
            #expect(published.map(\.seq) == [1, 2, 3])
            #expect(published.map(\.type) == ["event.created", "room.created", "room.created"])
            #expect(f.sink.changes.filter { $0.eventID == nil }.map(\.type) == ["speaker.created", "speaker.created"])
        }
    }

    @Test("concurrent writes get distinct, gapless seqs", arguments: StoreKind.available)
    func concurrentSeqs(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.seed()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        _ = try await f.store.createRoom(eventSlug: event.slug, Room(id: .init(0), eventID: .init(0), name: "Room \(index + 10)"), by: "o")
                    }
                }
                try await group.waitForAll()
            }
            let seqs = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 1000).compactMap(\.seq)
            #expect(seqs == Array(1...23))
        }
    }

    @Test("a stale version is refused with the current one", arguments: StoreKind.available)
    func staleVersion(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, _) = try await f.seed()
            let detail = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-15 10:00", "2017-06-15 11:00"), by: "o")
            var retitle = SessionPatch()
            retitle.title = .set(TranslatedText(en: "Fundraising II"))
            let updated = try await f.store.updateSession(eventSlug: event.slug, id: detail.session.id, patch: retitle, ifVersion: detail.session.version, by: "o")
            retitle.title = .set(TranslatedText(en: "Fundraising III"))
            await #expect(throws: StoreError.stale(entity: "session", currentVersion: updated.session.version)) {
                try await f.store.updateSession(eventSlug: event.slug, id: detail.session.id, patch: retitle, ifVersion: detail.session.version, by: "o")
            }
        }
    }

    @Test("changing an event's dates cannot strand its sessions", arguments: StoreKind.available)
    func eventDatesKeepSessions(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, _) = try await f.seed()
            _ = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-16 10:00", "2017-06-16 11:00"), by: "o")
            var shorten = EventPatch()
            shorten.endsAt = .set(at("2017-06-15 20:00"))
            await #expect(throws: ValidationError.self) { try await f.store.updateEvent(slug: event.slug, patch: shorten, by: "o") }
        }
    }

    @Test("slugs and room names are unique; rooms in use cannot be deleted", arguments: StoreKind.available)
    func uniqueness(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, _) = try await f.seed()
            await #expect(throws: StoreError.self) { try await f.store.createEvent(makeEvent(slug: event.slug), by: "o") }
            await #expect(throws: StoreError.self) {
                try await f.store.createRoom(eventSlug: event.slug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "o")
            }
            _ = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-15 10:00", "2017-06-15 11:00"), by: "o")
            let inUse = try await #require(throws: RoomInUse.self) { try await f.store.deleteRoom(eventSlug: event.slug, id: rooms[0].id, by: "o") }
            #expect(inUse.roomName == "Room A" && inUse.total == 1 && inUse.sessions.map(\.startsAt) == [at("2017-06-15 10:00")])
            try await f.store.deleteRoom(eventSlug: event.slug, id: rooms[1].id, by: "o")
        }
    }
}
