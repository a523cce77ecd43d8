import GRDB

/// The SQLite database being copied, read in one read transaction held open from the first batch
/// to the last: every table is read from the same snapshot, even across the awaits between batches.
struct SQLiteSource: Sendable {
    private let queue: DatabaseQueue

    /// Tables SQLite and GRDB keep for themselves, not data.
    static let bookkeeping: Set<String> = ["grdb_migrations"]

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // The snapshot's transaction spans several inDatabase calls (a read transaction: nothing is written).
        configuration.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.inDatabase { db in
            try db.beginTransaction(.deferred)
            // The first read fixes the snapshot.
            _ = try Row.fetchOne(db, sql: "SELECT * FROM sqlite_master LIMIT 1")
        }
    }

    /// Every data table with its columns, as SQLite names them.
    func tables() throws -> [String: [String]] {
        try queue.inDatabase { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .filter { !Self.bookkeeping.contains($0) }
            var tables: [String: [String]] = [:]
            for name in names { tables[name] = try db.columns(in: name).map(\.name) }
            return tables
        }
    }

    /// Where a table is read from next: after a rowid, or (a WITHOUT ROWID table, read in primary
    /// key order) after a number of rows.
    enum Position: Sendable {
        case afterRowID(Int64)
        case afterRows(Int)
    }

    /// Where reading `table` starts.
    func start(of table: String) -> Position {
        queue.inDatabase { db in
            // A WITHOUT ROWID table (authToken) has no rowid to select.
            let hasRowID = (try? Row.fetchAll(db, sql: "SELECT rowid FROM \(table.quotedIdentifier) LIMIT 0")) != nil
            return hasRowID ? .afterRowID(Int64.min) : .afterRows(0)
        }
    }

    /// Up to `limit` rows of `table` from `position` (all rows when `limit` is nil), each value
    /// converted for its PostgreSQL column; and where the next batch starts (nil: no rows were left).
    func rows(of table: String, columns: [(sqlite: String, target: PGTargetSchema.Column)], from position: Position, limit: Int?)
        throws -> (rows: [[CopyValue]], next: Position?) {
        try queue.inDatabase { db in
            let list = columns.map(\.sqlite.quotedIdentifier).joined(separator: ", ")
            let sql: String
            let arguments: StatementArguments
            switch position {
            case .afterRowID(let rowid):
                sql = "SELECT rowid, \(list) FROM \(table.quotedIdentifier) WHERE rowid > ? ORDER BY rowid LIMIT \(limit ?? -1)"
                arguments = [rowid]
            case .afterRows(let count):
                let key = try db.primaryKey(table).columns.map(\.quotedIdentifier).joined(separator: ", ")
                sql = "SELECT NULL, \(list) FROM \(table.quotedIdentifier) ORDER BY \(key) LIMIT \(limit ?? -1) OFFSET \(count)"
                arguments = []
            }
            var rows: [[CopyValue]] = []
            var lastRowID: Int64?
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                lastRowID = row[0]
                rows.append(try columns.enumerated().map { index, column in
                    try CopyValue(row[index + 1] as DatabaseValue, udtName: column.target.udtName, table: table, column: column.sqlite)
                })
            }
            guard !rows.isEmpty else { return (rows, nil) }
            switch position {
            case .afterRowID: return (rows, lastRowID.map { .afterRowID($0) })
            case .afterRows(let count): return (rows, .afterRows(count + rows.count))
            }
        }
    }

    /// Ends the read transaction and lets go of the file.
    func close() {
        try? queue.inDatabase { db in if db.isInsideTransaction { try db.rollback() } }
        try? queue.close()
    }
}
