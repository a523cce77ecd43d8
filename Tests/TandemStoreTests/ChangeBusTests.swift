import Foundation
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemTestSupport

@Suite("The change bus's notification payload", .timeLimit(.minutes(5)))
struct ChangeBusPayloadTests {
    func change(_ event: Int64?, _ seq: Int64?) -> Change {
        Change(eventID: event.map { Event.ID($0) }, seq: seq, data: .roomCreated(Room(id: .init(1), eventID: .init(1), name: "Room A")),
               actor: "o", at: Date(timeIntervalSince1970: 0))
    }

    @Test("names each event's highest seq, a few bytes; programme-wide changes alone notify nothing; odd payloads mean every event")
    func payload() {
        #expect(ChangeBus.payload(for: [change(3, 7), change(1, 2), change(3, 8), change(nil, nil)]) == "1:2,3:8")
        #expect(ChangeBus.payload(for: [change(nil, nil)]) == nil)
        #expect(ChangeBus.parse("1:2,3:8") == [Event.ID(1): 2, Event.ID(3): 8])
        let many = (1...2_000).map { change($0, 1_000_000 + $0) }
        #expect(ChangeBus.payload(for: many) == ChangeBus.everyEvent, "PostgreSQL caps a payload below 8,000 bytes")
        for odd in ["*", "", "1:", "x:1", "1:2:3", "1:2,,"] { #expect(ChangeBus.parse(odd) == nil, "\(odd)") }
    }

    @Test("this process's own commits are not read back; a withdrawn one (rolled back) is, unless a later one covers it")
    func ownCommits() {
        let own = OwnCommits()
        own.note([change(1, 4), change(1, 5), change(2, 9)])
        #expect(own.cover(event: Event.ID(1), seq: 5) && own.cover(event: Event.ID(1), seq: 3) && !own.cover(event: Event.ID(1), seq: 6))
        own.withdraw([change(1, 4), change(1, 5)])
        #expect(!own.cover(event: Event.ID(1), seq: 4), "4 and 5 may now be another process's")
        #expect(own.cover(event: Event.ID(1), seq: 3) && own.cover(event: Event.ID(2), seq: 9))
        own.note([change(2, 10)])
        own.withdraw([change(2, 9)])
        #expect(own.cover(event: Event.ID(2), seq: 10), "a later commit's note stands")
    }
}

/// Two stores on one PostgreSQL database stand for two instances: what one commits reaches the
/// other's sink through LISTEN/NOTIFY and the change log.
@Suite("The change bus: what one instance commits reaches the others, in order", .timeLimit(.minutes(5)),
       .enabled(if: StoreKind.postgresServerURL != nil, "needs TANDEM_TEST_POSTGRES"))
struct ChangeBusTests {
    struct Instances {
        let url: String
        let writer: PostgresStore
        let follower: PostgresStore
        let received: RecordingSink
        let following: Task<Void, any Error>

        func close() async {
            following.cancel()
            _ = try? await following.value
            await follower.close()
            await writer.close()
        }

        /// The `seq`s the follower received for `event`, waiting until it has `count` of them.
        func seqs(_ event: Event.ID, count: Int, timeout: Duration = .seconds(5)) async throws -> [Int64] {
            let deadline = ContinuousClock.now + timeout
            var seqs: [Int64] = []
            while ContinuousClock.now < deadline {
                seqs = received.changes.filter { $0.eventID == event }.compactMap(\.seq)
                if seqs.count >= count { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            return seqs
        }
    }

    func instances() async throws -> Instances {
        let url = try await PostgresTestDatabases.create()
        let writer = try await PostgresStore.open(url: url, clock: TestClock(), logger: quietTestLogger)
        try await writer.migrate()
        let received = RecordingSink()
        let follower = try await PostgresStore.open(url: url, clock: TestClock(), sink: received, logger: quietTestLogger)
        try await follower.migrate()
        let following = Task { try await follower.followChanges() }
        return Instances(url: url, writer: writer, follower: follower, received: received, following: following)
    }

    func announce(_ store: PostgresStore, _ slug: String, _ n: Int) async throws {
        _ = try await store.createAnnouncement(eventSlug: slug, Announcement(id: .init(0), eventID: .init(0), text: TranslatedText(en: "Note \(n)"),
                                                                            createdAt: Date(timeIntervalSince1970: 0)), by: "o")
    }

    @Test("changes made concurrently through both instances reach the follower 1…N in order, none twice")
    func crossInstance() async throws {
        let bus = try await instances()
        do {
            let event = try await bus.writer.createEvent(makeEvent(slug: "bus"), by: "o")
            #expect(try await bus.seqs(event.id, count: 1) == [1])
            // (How fast a change crosses over is measured by MultiInstanceTests, between processes on
            // a quiet machine; here the suites around share the two cores.)
            try await announce(bus.writer, "bus", 0)
            #expect(try await bus.seqs(event.id, count: 2) == [1, 2])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...40 { group.addTask { try await self.announce(bus.writer, "bus", n) } }
                // The follower writes too: its own changes are not delivered twice.
                for n in 41...45 { group.addTask { try await self.announce(bus.follower, "bus", n) } }
                try await group.waitForAll()
            }
            let seqs = try await bus.seqs(event.id, count: 47)
            #expect(seqs == Array(1...47), "every seq once, in order")
        } catch {
            await bus.close()
            throw error
        }
        await bus.close()
    }

    @Test("the LISTEN connection is cut (pg_terminate_backend): changes made meanwhile still arrive, in order")
    func listenConnectionCut() async throws {
        let bus = try await instances()
        do {
            let event = try await bus.writer.createEvent(makeEvent(slug: "cut"), by: "o")
            #expect(try await bus.seqs(event.id, count: 1) == [1], "the bus is up")
            for _ in 1...3 {
                #expect(try await PostgresTestDatabases.terminate(applicationName: "tandem-changes", count: 1, in: bus.url), "one LISTEN connection")
                // Right away, before the follower has reconnected: nobody hears these notifications.
                for n in 1...10 { try await announce(bus.writer, "cut", n) }
            }
            let seqs = try await bus.seqs(event.id, count: 31, timeout: .seconds(10))
            #expect(seqs == Array(1...31))
            // And the bus is back.
            try await announce(bus.writer, "cut", 99)
            #expect(try await bus.seqs(event.id, count: 32).last == 32)
        } catch {
            await bus.close()
            throw error
        }
        await bus.close()
    }
}
