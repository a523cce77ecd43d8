import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// Several processes on one database (issue 16): the change bus, the job leader, start-up chores
/// one process at a time, and failed logins counted where every process sees them.
extension PostgresStore: InstanceCoordination {
    /// Any value: the advisory lock of `exclusively` (start-up chores).
    static let startUpLockKey: Int64 = 0x7461_6E64_656D_0003

    public func followChanges() async throws {
        try await PGChangeFollower(location: location, client: client, sink: sink, ownCommits: ownCommits, logger: logger).run()
    }

    public func isJobLeader() async -> Bool {
        await jobLead.isLeader()
    }

    public func exclusively<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let logger = self.logger
        // The lock is held by one pool connection while `body` works through the others.
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.startUpLockKey))", logger: logger)
            let result: T
            do {
                result = try await body()
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.startUpLockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.startUpLockKey))", logger: logger)
            return result
        }
    }

    public func loginFailures(keys: [String]) async throws -> [String: LoginFailures] {
        guard !keys.isEmpty else { return [:] }
        return try await read { tx in
            var failures: [String: LoginFailures] = [:]
            for row in try await tx.query("SELECT throttleKey, failures, lastAt FROM loginFailure WHERE throttleKey = ANY(\(keys))") {
                let (key, count, last) = try row.decode((String, Int, Date).self)
                failures[key] = LoginFailures(count: count, last: last)
            }
            return failures
        }
    }

    public func recordLoginFailure(keys: [String], at instant: Date) async throws {
        // In key order, so that two instances counting the same keys take their row locks alike.
        let keys = Set(keys).sorted()
        guard !keys.isEmpty else { return }
        try await write(actor: "system") { tx in
            try await tx.execute("""
                INSERT INTO loginFailure (throttleKey, failures, lastAt)
                SELECT key, 1, \(instant) FROM unnest(\(keys)::text[]) AS key ORDER BY key
                ON CONFLICT (throttleKey) DO UPDATE SET failures = loginFailure.failures + 1, lastAt = excluded.lastAt
                """)
        }
    }

    public func clearLoginFailures(keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await write(actor: "system") { tx in
            try await tx.execute("DELETE FROM loginFailure WHERE throttleKey = ANY(\(keys))")
        }
    }

    public func forgetLoginFailures(before instant: Date) async throws -> Int {
        try await write(actor: "system") { tx in
            try await tx.query("DELETE FROM loginFailure WHERE lastAt < \(instant) RETURNING 1").count
        }
    }
}
