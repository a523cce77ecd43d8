import Foundation
import GRDB
import Testing
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

@Suite("Migrations and SQLite settings", .timeLimit(.minutes(5)))
struct MigrationTests {
    @Test("an empty database migrates, with foreign keys on, WAL and synchronous=FULL")
    func migratesEmptyDatabase() async throws {
        let fixture = try StoreFixture()
        #expect(try await fixture.store.appliedMigrations() == Migrations.all.map(\.identifier))
        #expect(try await fixture.store.isMigrated())
        let (foreignKeys, journal, synchronous, violations) = try await fixture.store.writer.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
        }
        #expect(foreignKeys == 1)
        #expect(journal == "wal")
        #expect(synchronous == 2) // FULL
        #expect(violations == 0)
    }

    @Test("migrating twice is harmless")
    func idempotent() throws {
        let fixture = try StoreFixture()
        try fixture.store.migrate()
        let reopened = try SQLiteStore(path: fixture.path, clock: fixture.clock)
        try reopened.migrate()
    }

    @Test("every foreign key column has an index")
    func foreignKeysIndexed() async throws {
        let fixture = try StoreFixture()
        let missing = try await fixture.store.writer.read { db -> [String] in
            var missing: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'") {
                for foreignKey in try db.foreignKeys(on: table) {
                    let columns = foreignKey.mapping.map(\.origin)
                    if try !db.indexes(on: table).contains(where: { Array($0.columns.prefix(columns.count)) == columns })
                        && (try db.primaryKey(table).columns.prefix(columns.count)).elementsEqual(columns) == false
                    {
                        missing.append("\(table)(\(columns.joined(separator: ",")))")
                    }
                }
            }
            return missing
        }
        #expect(missing == [])
    }
}
