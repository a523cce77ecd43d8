import Logging
import PostgresNIO

/// The tables of the target database as PostgreSQL's catalog describes them (after `migrate()`):
/// their columns and types, their identity columns, and the foreign keys that fix the order in
/// which they are filled. Read from the catalog, so a new migration's table or column is copied
/// without anyone listing it here.
struct PGTargetSchema: Sendable {
    struct Column: Sendable {
        /// PostgreSQL's (lower-case) name.
        var name: String
        /// information_schema's `udt_name`: int8, text, bool, timestamptz, …
        var udtName: String
        /// An identity or serial column, whose sequence is set past the copied ids.
        var generated: Bool
    }

    struct Table: Sendable {
        var name: String
        var columns: [Column]
        /// Columns that refer to another row of the same table (`event.parentId`), with the column
        /// they refer to: such rows are written parents first.
        var selfReferences: [(column: String, referenced: String)]
        /// Other tables this one refers to.
        var references: Set<String>
    }

    /// Every table, each after the tables it refers to.
    var tables: [Table]

    /// Tables PostgreSQL keeps for itself, not data: the migration ledger.
    static let bookkeeping: Set<String> = ["tandemmigration"]

    static func read(_ connection: PostgresConnection, logger: Logger) async throws -> PGTargetSchema {
        var columns: [String: [Column]] = [:]
        for row in try await connection.query("""
            SELECT c.table_name, c.column_name, c.udt_name,
                   c.is_identity = 'YES' OR coalesce(c.column_default, '') LIKE 'nextval(%'
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position
            """, logger: logger).collect() {
            let (table, column, udtName, generated) = try row.decode((String, String, String, Bool).self)
            guard !bookkeeping.contains(table) else { continue }
            columns[table, default: []].append(Column(name: column, udtName: udtName, generated: generated))
        }
        var selfReferences: [String: [(column: String, referenced: String)]] = [:]
        var references: [String: Set<String>] = [:]
        for row in try await connection.query("""
            SELECT child.relname, parent.relname,
                   (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]),
                   (SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = c.confkey[1]),
                   cardinality(c.conkey)
            FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid
            JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """, logger: logger).collect() {
            let (child, parent, column, referenced, width) = try row.decode((String, String, String, String, Int).self)
            if child == parent {
                guard width == 1 else {
                    throw CopyFailure("\(child) refers to itself through several columns at once, which tandem copy cannot order; "
                        + "this build's copy needs a change for that schema")
                }
                selfReferences[child, default: []].append((column, referenced))
            } else {
                references[child, default: []].insert(parent)
            }
        }
        let tables = columns.keys.sorted().map { name in
            Table(name: name, columns: columns[name]!, selfReferences: selfReferences[name] ?? [], references: references[name] ?? [])
        }
        return PGTargetSchema(tables: try dependencyOrder(tables))
    }

    /// `tables`, each after those it refers to; ties by name, so the order is the same every time.
    static func dependencyOrder(_ tables: [Table]) throws -> [Table] {
        var placed: [Table] = []
        var done: Set<String> = []
        var pending = tables
        while !pending.isEmpty {
            let ready = pending.filter { $0.references.isSubset(of: done) }
            guard !ready.isEmpty else {
                throw CopyFailure("the tables \(pending.map(\.name).sorted().joined(separator: ", ")) refer to each other in a circle; "
                    + "tandem copy cannot order them")
            }
            placed += ready
            done.formUnion(ready.map(\.name))
            pending.removeAll { done.contains($0.name) }
        }
        return placed
    }
}

extension String {
    /// An SQL identifier, quoted (the same quoting on SQLite and PostgreSQL).
    var quotedIdentifier: String { "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
