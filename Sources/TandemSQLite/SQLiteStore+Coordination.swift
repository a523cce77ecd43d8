import Foundation
import GRDB
import TandemCore
import TandemStore

/// One process owns a SQLite database: it leads every job and has no other instance to follow.
/// Failed logins are still counted in the database, as on PostgreSQL, so the server has one way
/// to throttle logins whatever its store.
extension SQLiteStore: InstanceCoordination {
    public func followChanges() async throws {}

    public func isJobLeader() async -> Bool { true }

    public func exclusively<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await body()
    }

    public func loginFailures(keys: [String]) async throws -> [String: LoginFailures] {
        guard !keys.isEmpty else { return [:] }
        return try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT throttleKey, failures, lastAt FROM loginFailure WHERE throttleKey IN (\(databaseQuestionMarks(count: keys.count)))
                """, arguments: StatementArguments(keys))
            return Dictionary(rows.map { ($0["throttleKey"], LoginFailures(count: $0["failures"], last: $0["lastAt"])) }) { first, _ in first }
        }
    }

    public func recordLoginFailure(keys: [String], at instant: Date) async throws {
        try await write(actor: "system") { db, _ in
            for key in Set(keys) {
                try db.cachedExecute("""
                    INSERT INTO loginFailure (throttleKey, failures, lastAt) VALUES (?, 1, ?)
                    ON CONFLICT (throttleKey) DO UPDATE SET failures = failures + 1, lastAt = excluded.lastAt
                    """, [key, instant])
            }
        }
    }

    public func clearLoginFailures(keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await write(actor: "system") { db, _ in
            try db.execute(sql: "DELETE FROM loginFailure WHERE throttleKey IN (\(databaseQuestionMarks(count: keys.count)))",
                           arguments: StatementArguments(keys))
        }
    }

    public func forgetLoginFailures(before instant: Date) async throws -> Int {
        try await write(actor: "system") { db, _ in
            try db.execute(sql: "DELETE FROM loginFailure WHERE lastAt < ?", arguments: [instant])
            return db.changesCount
        }
    }
}
