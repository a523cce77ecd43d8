import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// Every migration, in order, with SQLite's identifiers: the same numbering on both stores. Append
/// only: a migration that has landed is never edited.
enum PGMigrations {
    static let all: [(identifier: String, sql: String)] = [
        ("001_schedule", PGMigration001Schedule.sql),
        ("002_accounts", PGMigration002Accounts.sql),
        ("003_registrations", PGMigration003Registrations.sql),
        ("004_announcement_expiry", PGMigration004AnnouncementExpiry.sql),
        ("005_access", PGMigration005Access.sql),
        ("006_deferred_mail", PGMigration006DeferredMail.sql),
        ("007_registration_mode", PGMigration007RegistrationMode.sql),
        ("008_login_pairs", PGMigration008LoginPairs.sql),
        ("009_mail_changes", PGMigration009MailChanges.sql),
        ("010_instances", PGMigration010Instances.sql),
        ("011_mail_check_in_code", PGMigration011MailCheckInCode.sql),
        ("012_invites", PGMigration012Invites.sql),
        ("013_webhooks", PGMigration013Webhooks.sql),
    ]

    /// Any value: the advisory lock under which one process at a time migrates.
    static let lockKey: Int64 = 0x7461_6E64_656D_0001
}

extension PostgresStore {
    /// Applies the migrations this database lacks, each in its own transaction, under an advisory
    /// lock (two instances starting at once migrate once). A database migrated by a newer Tandem is
    /// refused: its schema has steps this binary does not know.
    public func migrate() async throws {
        let logger = self.logger
        try await client.withConnection { connection in
            // The lock first: two instances starting at once on a new database would otherwise race
            // to create the bookkeeping table (CREATE TABLE IF NOT EXISTS is not safe concurrently).
            try await connection.query("SELECT pg_advisory_lock(\(PGMigrations.lockKey))", logger: logger)
            do {
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS tandemMigration (identifier TEXT PRIMARY KEY, appliedAt TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
                let applied = try await Self.applied(connection, logger: logger)
                try Self.refuseNewer(applied, location: location)
                for migration in PGMigrations.all where !applied.contains(migration.identifier) {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in Self.statements(migration.sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO tandemMigration (identifier) VALUES (\(migration.identifier))", logger: logger)
                    }
                    logger.info("applied migration", metadata: ["migration": "\(migration.identifier)"])
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PGMigrations.lockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(PGMigrations.lockKey))", logger: logger)
        }
        // What was committed before this process started is no news: the ordered sink starts after it.
        for row in try await client.query("SELECT id, scheduleVersion FROM event", logger: logger).collect() {
            let (id, version) = try row.decode((Int64, Int64).self)
            sink.setDelivered(version, event: Event.ID(id))
        }
    }

    public func isMigrated() async throws -> Bool {
        Set(try await appliedMigrations()).isSuperset(of: PGMigrations.all.map(\.identifier))
    }

    public func appliedMigrations() async throws -> [String] {
        let logger = self.logger
        return try await client.withConnection { connection in
            let exists = try await connection.query("SELECT to_regclass('tandemmigration') IS NOT NULL", logger: logger).collect()
            guard try exists.first?.decode(Bool.self) == true else { return [] }
            return try await Self.applied(connection, logger: logger)
        }
    }

    static func applied(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query("SELECT identifier FROM tandemMigration ORDER BY identifier", logger: logger)
            .collect().map { try $0.decode(String.self) }
    }

    /// A migration's statements (each ends with `;` at the end of a line).
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
    }

    static func refuseNewer(_ applied: [String], location: PostgresLocation) throws {
        let unknown = Set(applied).subtracting(PGMigrations.all.map(\.identifier))
        guard unknown.isEmpty else {
            throw StoreSchemaTooNew(database: location.description, unknownMigrations: unknown.sorted())
        }
    }
}
