import Foundation
import Logging
import NIOPosix
import PostgresNIO
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemStore

/// Moves a whole programme from a SQLite database to an empty PostgreSQL database (`tandem copy`).
///
/// Both databases are first brought to this build's schema by their own stores. The tables are
/// those of the SQLite file (`sqlite_master`), each of which must exist in PostgreSQL; the columns
/// and their types are read from PostgreSQL's catalog, and the tables are filled in the order of
/// their foreign keys. So a table or column that a new migration adds to both stores is copied
/// without a change here; a table that exists on one side only stops the copy before it writes.
///
/// Everything is written in one transaction, ids as they are (the change log's `seq`, the events'
/// `scheduleVersion` and the audit log included), and afterwards every identity sequence is set
/// past the largest id copied, so new rows get fresh ids. A target holding any row refuses the copy.
public enum StoreCopy {
    /// Rows in one INSERT: well under PostgreSQL's 65535 parameters for the widest table.
    static let batchRows = 500

    /// Copies `sqlitePath` into the database `postgresURL` names.
    public static func copy(fromSQLite sqlitePath: String, toPostgres postgresURL: String,
                            logger: Logger = Logger(label: "tandem.copy")) async throws -> CopyReport {
        guard FileManager.default.fileExists(atPath: sqlitePath) else {
            throw CopyFailure("there is no SQLite database at \(sqlitePath); give the path of the file the server ran on (--from)")
        }
        let location = try PostgresLocation(url: postgresURL)
        let sourceMigrations = try await migrateSource(sqlitePath)
        let targetMigrations = try await migrateTarget(postgresURL, logger: logger)
        guard sourceMigrations == targetMigrations else {
            throw CopyFailure("\(sqlitePath) has the migrations \(sourceMigrations.joined(separator: ", ")) but \(location) has "
                + "\(targetMigrations.joined(separator: ", ")); run this copy with the tandem that last served either database")
        }
        let source = try SQLiteSource(path: sqlitePath)
        defer { source.close() }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(),
                                                              configuration: try location.connectionConfiguration(), id: 1, logger: logger).get()
        } catch {
            throw CopyFailure("cannot connect to \(location) again after migrating it: \(explain(error))")
        }
        do {
            let report = try await copy(from: source, sqlitePath: sqlitePath, to: connection, location: location, logger: logger)
            try? await connection.close()
            return report
        } catch {
            try? await connection.close()
            if let failure = unwrap(error) as? CopyFailure { throw failure }
            throw CopyFailure("the copy stopped and nothing was written to \(location): \(explain(error))")
        }
    }

    private static func migrateSource(_ path: String) async throws -> [String] {
        do {
            let store = try SQLiteStore(path: path, clock: SystemClock())
            try store.migrate()
            return try await store.appliedMigrations()
        } catch let error as StoreSchemaTooNew {
            throw CopyFailure(error.description)
        } catch {
            throw CopyFailure("cannot open the SQLite database \(path): \(error)")
        }
    }

    private static func migrateTarget(_ url: String, logger: Logger) async throws -> [String] {
        let store = try await PostgresStore.open(url: url, clock: SystemClock(), logger: logger)
        do {
            try await store.migrate()
            let applied = try await store.appliedMigrations()
            await store.close()
            return applied
        } catch {
            await store.close()
            throw error
        }
    }

    private static func copy(from source: SQLiteSource, sqlitePath: String, to connection: PostgresConnection,
                             location: PostgresLocation, logger: Logger) async throws -> CopyReport {
        let schema = try await PGTargetSchema.read(connection, logger: logger)
        let sourceTables = try source.tables()
        let plan = try pair(sourceTables, with: schema, sqlitePath: sqlitePath, location: location)
        guard !plan.isEmpty else { throw CopyFailure("\(sqlitePath) has no tables to copy; nothing was written") }
        return try await connection.withTransaction(logger: logger) { connection in
            // Nobody else writes while the copy runs (a server started by mistake waits, then sees the copy).
            let all = schema.tables.map(\.name.quotedIdentifier).joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(all) IN EXCLUSIVE MODE"), logger: logger)
            var occupied: [String] = []
            for table in schema.tables {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table.name.quotedIdentifier))"),
                                                      logger: logger).collect()
                if try rows.first?.decode(Bool.self) == true { occupied.append(table.name) }
            }
            guard occupied.isEmpty else {
                throw CopyFailure("\(location) already holds data (in \(occupied.joined(separator: ", "))); tandem copy only fills an empty database. "
                    + "Create a new one (createdb -O OWNER NAME) and copy into it; nothing was written")
            }
            var report = CopyReport(source: sqlitePath, target: location.description)
            for step in plan {
                let count = try await copyTable(step, from: source, to: connection, logger: logger)
                report.tables.append((step.sqliteName, count))
            }
            for table in schema.tables {
                for column in table.columns where column.generated {
                    // Past the largest id copied; an empty table's sequence stays where it starts.
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(table.name.quotedIdentifier)', '\(column.name)'), max(\(column.name.quotedIdentifier)))
                        FROM \(table.name.quotedIdentifier) HAVING max(\(column.name.quotedIdentifier)) IS NOT NULL
                        """), logger: logger)
                }
            }
            return report
        }
    }

    /// One table to copy: its SQLite name and the PostgreSQL columns its columns go to.
    struct TableStep: Sendable {
        var sqliteName: String
        var target: PGTargetSchema.Table
        var columns: [(sqlite: String, target: PGTargetSchema.Column)]
    }

    /// Each PostgreSQL table (in dependency order) with the SQLite table of the same name
    /// (PostgreSQL folds unquoted names to lower case); a table or column on one side only stops the copy.
    static func pair(_ sourceTables: [String: [String]], with schema: PGTargetSchema, sqlitePath: String,
                     location: PostgresLocation) throws -> [TableStep] {
        let sourceByName = Dictionary(uniqueKeysWithValues: sourceTables.keys.map { ($0.lowercased(), $0) })
        let targetNames = Set(schema.tables.map(\.name))
        let missing = sourceByName.keys.filter { !targetNames.contains($0) }.map { sourceByName[$0]! }.sorted()
        guard missing.isEmpty else {
            throw CopyFailure("\(location) has no table \(missing.joined(separator: ", ")) of \(sqlitePath); the PostgreSQL migrations lack it. "
                + "Add it to a PostgreSQL migration (Sources/TandemPostgres/Migrations) before copying; nothing was written")
        }
        let extra = targetNames.filter { sourceByName[$0] == nil }.sorted()
        guard extra.isEmpty else {
            throw CopyFailure("\(location) has the tables \(extra.joined(separator: ", ")), which \(sqlitePath) lacks; "
                + "the two stores' migrations differ, so nothing was written")
        }
        return try schema.tables.map { table in
            let sqliteName = sourceByName[table.name]!
            let targetColumns = Dictionary(uniqueKeysWithValues: table.columns.map { ($0.name, $0) })
            let columns = try sourceTables[sqliteName]!.map { column in
                guard let target = targetColumns[column.lowercased()] else {
                    throw CopyFailure("\(location) has no column \(table.name).\(column.lowercased()) for \(sqliteName).\(column) of \(sqlitePath); "
                        + "the two stores' migrations differ, so nothing was written")
                }
                return (column, target)
            }
            return TableStep(sqliteName: sqliteName, target: table, columns: columns)
        }
    }

    /// Copies one table in batches; returns the rows copied.
    static func copyTable(_ step: TableStep, from source: SQLiteSource, to connection: PostgresConnection, logger: Logger) async throws -> Int {
        guard !step.columns.isEmpty else { return 0 }
        let selfReferencing = !step.target.selfReferences.isEmpty
        var position: SQLiteSource.Position? = source.start(of: step.sqliteName)
        var count = 0
        while let from = position {
            // A table whose rows refer to each other is read whole, to write parents first.
            let batch = try source.rows(of: step.sqliteName, columns: step.columns, from: from, limit: selfReferencing ? nil : batchRows)
            let rows = selfReferencing ? try parentsFirst(batch.rows, step: step) : batch.rows
            for start in stride(from: 0, to: rows.count, by: batchRows) {
                try await insert(Array(rows[start..<min(start + batchRows, rows.count)]), step: step, connection: connection, logger: logger)
            }
            count += rows.count
            position = selfReferencing ? nil : batch.next
        }
        return count
    }

    static func insert(_ rows: [[CopyValue]], step: TableStep, connection: PostgresConnection, logger: Logger) async throws {
        var bindings = PostgresBindings(capacity: rows.count * step.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var placeholders: [String] = []
            for (value, column) in zip(row, step.columns) {
                value.bind(into: &bindings)
                placeholders.append("$\(bindings.count)::\(column.target.udtName)")
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let names = step.columns.map(\.target.name.quotedIdentifier).joined(separator: ", ")
        let sql = "INSERT INTO \(step.target.name.quotedIdentifier) (\(names)) VALUES " + tuples.joined(separator: ", ")
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }

    /// `rows` ordered so that a row comes after the row it refers to in its own table.
    static func parentsFirst(_ rows: [[CopyValue]], step: TableStep) throws -> [[CopyValue]] {
        let index = Dictionary(uniqueKeysWithValues: step.columns.enumerated().map { ($1.target.name, $0) })
        let links = step.target.selfReferences.compactMap { link -> (child: Int, key: Int)? in
            guard let child = index[link.column], let key = index[link.referenced] else { return nil }
            return (child, key)
        }
        var placedKeys: [Int: Set<CopyValue>] = [:]
        var ordered: [[CopyValue]] = []
        var pending = rows
        while !pending.isEmpty {
            let ready = pending.filter { row in
                links.allSatisfy { link in row[link.child] == .null || placedKeys[link.key, default: []].contains(row[link.child]) }
            }
            guard !ready.isEmpty else {
                throw CopyFailure("rows of \(step.sqliteName) refer to each other in a circle, or to rows that do not exist; "
                    + "check PRAGMA foreign_key_check in the SQLite database; nothing was written")
            }
            for row in ready {
                for link in links { placedKeys[link.key, default: []].insert(row[link.key]) }
            }
            ordered += ready
            let readySet = Set(ready)
            pending.removeAll { readySet.contains($0) }
        }
        return ordered
    }

    /// The error a transaction's body, its BEGIN or its COMMIT threw.
    static func unwrap(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
    }

    /// PostgreSQL's own words for a failed statement (postgres-nio hides them from `description`).
    static func explain(_ error: any Error) -> String {
        let error = unwrap(error)
        if let failure = error as? CopyFailure { return failure.description }
        if let psql = error as? PSQLError, let message = psql.serverInfo?[.message] {
            let detail = psql.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return message + detail + " [SQLSTATE \(psql.serverInfo?[.sqlState] ?? "?")]"
        }
        return String(describing: error)
    }
}
