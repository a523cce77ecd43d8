import Foundation
import Logging
import Synchronization
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemTestSupport

@Suite("PostgreSQL: bounded retries of serialization failures, deadlocks and lock timeouts",
       .enabled(if: StoreKind.postgresServerURL != nil, "TANDEM_TEST_POSTGRES is unset"), .timeLimit(.minutes(5)))
struct PostgresRetryTests {
    private let logger: Logger = {
        var logger = Logger(label: "tandem-test.retry")
        logger.logLevel = .critical
        return logger
    }()

    private func openStore() async throws -> PostgresStore {
        let store = try await PostgresStore.open(url: try await PostgresTestDatabases.create(), clock: TestClock(), tokens: TestTokens(),
                                                 logger: logger)
        try await store.migrate()
        return store
    }

    @Test("a transaction that keeps failing with a serialization failure runs at most maxAttempts times, then answers 'busy'")
    func bounded() async throws {
        let store = try await openStore()
        let attempts = Mutex(0)
        let error = await #expect(throws: StoreError.self) {
            try await store.write(actor: "system") { tx in
                attempts.withLock { $0 += 1 }
                try await tx.execute("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$")
            }
        }
        #expect(attempts.withLock { $0 } == PostgresStore.maxAttempts)
        if case .busy(let message)? = error { #expect(message.contains("busy")) } else { Issue.record("expected .busy, got \(String(describing: error))") }
        await store.close()
    }

    @Test("a failure that is not retryable is not retried")
    func notRetried() async throws {
        let store = try await openStore()
        let attempts = Mutex(0)
        await #expect(throws: (any Error).self) {
            try await store.write(actor: "system") { tx in
                attempts.withLock { $0 += 1 }
                try await tx.execute("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '22023'; END $$")
            }
        }
        #expect(attempts.withLock { $0 } == 1)
        await store.close()
    }

    @Test("two writers that deadlock: PostgreSQL aborts one, it is retried, both commit")
    func deadlock() async throws {
        let store = try await openStore()
        let a = try await store.createEvent(makeEvent(slug: "deadlock-a"), by: "o")
        let b = try await store.createEvent(makeEvent(slug: "deadlock-b"), by: "o")
        let attempts = Counter()
        let bothLockedFirst = Barrier(parties: 2)
        // Each locks its first event, waits until the other has too (first attempt only), then
        // locks the other's: a deadlock PostgreSQL detects after deadlock_timeout (1 s).
        let pairs = [(a.id, b.id), (b.id, a.id)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (first, second) in pairs {
                group.addTask {
                    try await store.write(actor: "system") { tx in
                        let attempt = attempts.next()
                        try await tx.lockEventRow(first.rawValue)
                        if attempt <= 2 { await bothLockedFirst.arrive() }
                        try await tx.lockEventRow(second.rawValue)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(attempts.value == 3, "one of the two was rolled back and run again")
        await store.close()
    }
}

/// Counts across tasks.
final class Counter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}

/// Lets `parties` tasks wait until all of them have arrived.
final class Barrier: Sendable {
    private let state: Mutex<(count: Int, waiting: [CheckedContinuation<Void, Never>])>
    private let parties: Int

    init(parties: Int) {
        self.parties = parties
        state = Mutex((0, []))
    }

    func arrive() async {
        await withCheckedContinuation { continuation in
            let release: [CheckedContinuation<Void, Never>] = state.withLock { state in
                state.count += 1
                state.waiting.append(continuation)
                guard state.count >= parties else { return [] }
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in release { waiter.resume() }
        }
    }
}
