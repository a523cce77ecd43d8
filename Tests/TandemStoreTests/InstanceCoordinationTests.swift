import Foundation
import Synchronization
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemSQLite
import TandemTestSupport

/// What several processes on one database share through it (issue 16), on every store: the outbox
/// claims, failed logins, the job lead and start-up chores. The PostgreSQL tests open two stores on
/// one database, as two instances would.
@Suite("Instances on one database: outbox claims, failed logins, job lead, start-up", .timeLimit(.minutes(5)))
struct InstanceCoordinationTests {
    @Test("failed logins are counted per key, read back, cleared by a success and forgotten when stale", arguments: StoreKind.available)
    func loginFailures(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let store = f.store
            let start = f.clock.now()
            try await store.recordLoginFailure(keys: ["address:1", "account:a"], at: start)
            try await store.recordLoginFailure(keys: ["address:1", "pair:1 a", "pair:1 a"], at: start.addingTimeInterval(10))
            let counts = try await store.loginFailures(keys: ["address:1", "account:a", "pair:1 a", "address:2"])
            #expect(counts["address:1"]?.count == 2)
            #expect(abs((counts["address:1"]?.last ?? .distantPast).timeIntervalSince(start.addingTimeInterval(10))) < 0.01)
            #expect(counts["account:a"]?.count == 1)
            #expect(counts["pair:1 a"]?.count == 1, "a key named twice in one failure counts once")
            #expect(counts["address:2"] == nil)
            try await store.clearLoginFailures(keys: ["pair:1 a", "account:a"])
            #expect(try await store.loginFailures(keys: ["pair:1 a", "account:a", "address:1"]).keys.sorted() == ["address:1"])
            #expect(try await store.forgetLoginFailures(before: start.addingTimeInterval(5)) == 0, "address:1 failed at +10 s")
            #expect(try await store.forgetLoginFailures(before: start.addingTimeInterval(11)) == 1)
            #expect(try await store.loginFailures(keys: ["address:1"]).isEmpty)
        }
    }

    @Test("an outbox message is claimed by one sender at a time; an unfinished claim is taken over when its lease runs out",
          arguments: StoreKind.available)
    func outboxClaims(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 100)
            for n in 1...30 { _ = try await f.store.register(eventSlug: event.slug, f.attendee(n)) }
            let now = f.clock.now()
            // The outbox worker writes the texts first (the stores queue messages without them).
            #expect(try await f.store.dueMail(at: now, limit: 100).count == 30)
            // Four senders claiming at once never get the same message.
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 1...4 {
                    group.addTask { try await f.store.claimDueMail(at: now, limit: 10, lease: 60).map(\.id) }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            try #require(claims.count == 30)
            #expect(Set(claims).count == 30, "no message was claimed twice")
            #expect(try await f.store.claimDueMail(at: now.addingTimeInterval(59), limit: 100, lease: 60).isEmpty, "every lease still runs")
            // Senders delivered 10 and gave one up; the rest of the claims ran out (their sender died).
            try await f.store.markSent(mailIDs: Array(claims.prefix(10)), at: now)
            try await f.store.markFailed(mailID: claims[10], error: "no such mailbox", policy: .never)
            let takenOver = try await f.store.claimDueMail(at: now.addingTimeInterval(61), limit: 100, lease: 60).map(\.id)
            #expect(Set(takenOver) == Set(claims.dropFirst(11)), "the unfinished claims, not the sent ones nor the one given up")
        }
    }

    @Test("SQLite: the server's start releases the claims its killed predecessor left; a command's start does not")
    func sqliteReleasesStaleClaims() async throws {
        try await withFixture(.sqlite) { f in
            let (event, _, _) = try await f.openEvent(capacity: 10)
            for n in 1...3 { _ = try await f.store.register(eventSlug: event.slug, f.attendee(n)) }
            let now = f.clock.now()
            _ = try await f.store.dueMail(at: now, limit: 10)
            #expect(try await f.store.claimDueMail(at: now, limit: 10, lease: 60).count == 3, "claimed, then the server was killed")
            let command = try SQLiteStore(path: f.location, clock: f.clock, tokens: TestTokens())
            try command.migrate()
            #expect(try await command.claimDueMail(at: now, limit: 10, lease: 60).isEmpty, "a command (tandem import…) leaves the claims alone")
            let server = try SQLiteStore(path: f.location, clock: f.clock, tokens: TestTokens(), ownsOutbox: true)
            try server.migrate()
            #expect(try await server.claimDueMail(at: now, limit: 10, lease: 60).count == 3, "the restarted server sends them at once")
        }
    }

    @Test("start-up chores of two instances never overlap", arguments: StoreKind.available)
    func exclusively(kind: StoreKind) async throws {
        guard kind == .postgres else {
            // One process owns a SQLite file: its start-up runs at once.
            try await withFixture(kind) { f in
                let answer = try await f.store.exclusively { 42 }
                #expect(answer == 42)
            }
            return
        }
        try await withSecondStore(kind) { first, second in
            final class Inside: Sendable {
                let state = Mutex((now: 0, overlapped: false))
            }
            let inside = Inside()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in [first, second, first, second] {
                    group.addTask {
                        try await store.exclusively {
                            inside.state.withLock { $0.now += 1; if $0.now > 1 { $0.overlapped = true } }
                            try await Task.sleep(for: .milliseconds(50))
                            inside.state.withLock { $0.now -= 1 }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(!inside.state.withLock { $0.overlapped })
        }
    }

    @Test("exactly one instance leads the jobs; when its connection ends another takes over", arguments: StoreKind.available)
    func jobLead(kind: StoreKind) async throws {
        guard kind == .postgres else {
            try await withFixture(kind) { f in #expect(await f.store.isJobLeader(), "SQLite: the one process leads") }
            return
        }
        let url = try await PostgresTestDatabases.create()
        let first = try await PostgresStore.open(url: url, clock: TestClock(), logger: quietTestLogger)
        let second = try await PostgresStore.open(url: url, clock: TestClock(), logger: quietTestLogger)
        try await first.migrate()
        #expect(await first.isJobLeader())
        #expect(await !second.isJobLeader())
        #expect(await first.isJobLeader(), "asked again, the leader still leads")
        #expect(await !second.isJobLeader())
        // The leader's process dies: its connection ends, and with it the lock.
        try await PostgresTestDatabases.admin(url) { connection in
            let ended = try await connection.query("""
                SELECT pg_terminate_backend(lock.pid) FROM pg_locks lock JOIN pg_stat_activity activity ON activity.pid = lock.pid
                WHERE lock.locktype = 'advisory' AND activity.application_name = 'tandem-jobs' AND activity.datname = current_database()
                """, logger: quietTestLogger).collect()
            #expect(ended.count == 1, "one connection holds the lead")
        }
        var taken = false
        for _ in 0..<50 where !taken {
            taken = await second.isJobLeader()
            if !taken { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(taken, "the second instance took the lead")
        #expect(await !first.isJobLeader(), "the first one no longer leads")
        await second.close()
        var retaken = false
        for _ in 0..<50 where !retaken {
            retaken = await first.isJobLeader()
            if !retaken { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(retaken, "closing the store hands the lead back")
        await first.close()
    }

    /// Two stores on one PostgreSQL database: two instances' view.
    func withSecondStore(_ kind: StoreKind, _ body: (any TandemStorage, any TandemStorage) async throws -> Void) async throws {
        try await withFixture(kind) { f in
            let second = try await PostgresStore.open(url: f.location, clock: f.clock, logger: quietTestLogger)
            try await second.closing { try await body(f.store, second) }
        }
    }
}

