import Foundation
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemTestSupport

/// PostgreSQL's group commit writes a batch of new addresses in bulk (`PGRegistrationBulk`): its
/// answers must be exactly what the rows say afterwards, and what the one-by-one path would give.
@Suite("PostgreSQL: registrations written in bulk", .timeLimit(.minutes(5)),
       .enabled(if: StoreKind.postgresServerURL != nil, "needs TANDEM_TEST_POSTGRES"))
struct PostgresBulkRegistrationTests {
    @Test("a batch of new addresses is written in bulk; every answer is what reading the registration back gives")
    func answersMatchTheRows() async throws {
        try await withFixture(.postgres) { f in
            let store = try #require(f.store as? PostgresStore)
            let (event, workshop, other) = try await f.openEvent(capacity: 6, workshopSeats: 2)
            let tokens = try #require(store.selfServiceTokens)
            // Seated ones choose the workshop (2 seats, then its own waitlist); the rest wait for the event.
            let jobs = (1...10).map { n in
                RegistrationJob(slug: event.slug, request: f.attendee(n, sessions: n.isMultiple(of: 3) ? [workshop, other] : [workshop]), tokens: tokens)
            }
            let results = try #require(try await store.registerInBulk(jobs), "new addresses take the bulk path")
            let receipts = try results.map { try $0.get() }
            #expect(receipts.map(\.registration.status) == Array(repeating: .confirmed, count: 6) + Array(repeating: .waitlisted, count: 4))
            #expect(receipts.map(\.registration.waitlistPosition) == [nil, nil, nil, nil, nil, nil, 1, 2, 3, 4])
            #expect(receipts.map(\.registration.id.rawValue) == receipts.map(\.registration.id.rawValue).sorted(), "ids in arrival order")
            for receipt in receipts {
                let (stored, _) = try await store.registration(token: receipt.token)
                #expect(stored == receipt.registration, "\(receipt.registration.name)")
            }
            let workshopChoices = receipts.prefix(6).map { $0.registration.choices.first { $0.sessionID == workshop.id }! }
            #expect(workshopChoices.map(\.status) == [.confirmed, .confirmed, .waitlisted, .waitlisted, .waitlisted, .waitlisted])
            #expect(workshopChoices.map(\.waitlistPosition) == [nil, nil, 1, 2, 3, 4])
            #expect(try await store.event(slug: event.slug).seats == SeatCount(capacity: 6, confirmed: 6, waitlisted: 4))
            let seats = try await store.session(eventSlug: event.slug, id: workshop.id).session.seats
            #expect(seats == SeatCount(capacity: 2, confirmed: 2, waitlisted: 4))
            let changes = try await store.changes(eventSlug: event.slug, after: 0, limit: 100)
            #expect(changes.filter { $0.type == "seats.changed" }.count == 1)
            #expect(f.sink.changes.last?.seq == changes.last?.seq, "the sink has the batch's change")
            #expect(try await store.dueMail(at: f.clock.now(), limit: 100).count == 10, "one e-mail each")

            // The waitlist goes on where the batch left it, on the one-by-one path as in bulk.
            let next = try await store.register(eventSlug: event.slug, f.attendee(11))
            #expect(next.registration.waitlistPosition == 5)
            // A cancellation promotes the first in line, as the bulk path queued them.
            _ = try await store.cancelRegistration(token: receipts[0].token)
            #expect(try await store.registration(token: receipts[6].token).0.status == .confirmed)
        }
    }

    @Test("warming up opens pool connections with the burst's statements prepared, and writes nothing")
    func warmUp() async throws {
        try await withFixture(.postgres) { f in
            let store = try #require(f.store as? PostgresStore)
            let (event, _, _) = try await f.openEvent(capacity: 6)
            let before = try await store.changes(eventSlug: event.slug, after: 0, limit: 100)
            let mailBefore = try await store.dueMail(at: f.clock.now(), limit: 100).count
            await store.warmUp()
            // Every connection the pool holds now has the three statements of a burst prepared
            // (prepared statements belong to a connection and outlive its rolled-back transaction).
            let together = LeaseBarrier(parties: PostgresStore.warmConnections)
            let prepared = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<PostgresStore.warmConnections {
                    group.addTask {
                        try await store.client.withConnection { connection in
                            let rows = try await connection.query("SELECT statement FROM pg_prepared_statements", logger: store.logger)
                            let statements = try await rows.collect().map { try $0.decode(String.self) }
                            // Held until all four have one, so that the leases take different connections.
                            await together.arrive(timeout: .seconds(10))
                            return statements
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(prepared.count == PostgresStore.warmConnections)
            for statements in prepared {
                #expect(statements.contains { $0.contains("FOR UPDATE") && $0.contains("slug = ANY") }, "\(statements)")
                #expect(statements.contains { $0.contains("jsonb_to_recordset") }, "\(statements)")
                #expect(statements.count >= 3, "\(statements)")
            }
            #expect(try await store.changes(eventSlug: event.slug, after: 0, limit: 100) == before, "no change written")
            #expect(try await store.dueMail(at: f.clock.now(), limit: 100).count == mailBefore, "no e-mail queued")
            #expect(f.sink.changes.count == before.count, "nothing reached the sink")
        }
    }

    @Test("a batch with an address already registered is left to the one-by-one path, with nothing written")
    func knownAddressDeclines() async throws {
        try await withFixture(.postgres) { f in
            let store = try #require(f.store as? PostgresStore)
            let (event, _, _) = try await f.openEvent(capacity: 6)
            _ = try await store.register(eventSlug: event.slug, f.attendee(1))
            let before = try await store.changes(eventSlug: event.slug, after: 0, limit: 100).count
            let tokens = try #require(store.selfServiceTokens)
            let jobs = [2, 1, 3].map { RegistrationJob(slug: event.slug, request: f.attendee($0), tokens: tokens) }
            #expect(try await store.registerInBulk(jobs) == nil)
            #expect(try await store.changes(eventSlug: event.slug, after: 0, limit: 100).count == before)
            #expect(try await store.event(slug: event.slug).seats.confirmed == 1)
            let twice = [4, 4].map { RegistrationJob(slug: event.slug, request: f.attendee($0), tokens: tokens) }
            #expect(try await store.registerInBulk(twice) == nil, "the same address twice in one batch")
        }
    }
}
