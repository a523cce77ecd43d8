import Foundation

/// What `StoreCopy` copied: rows per table, in the order the tables were filled.
public struct CopyReport: Sendable, CustomStringConvertible {
    public var source: String
    /// The PostgreSQL database, without its password.
    public var target: String
    public var tables: [(name: String, rows: Int)] = []

    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }

    /// Rows copied into `table` (any case), 0 for a table not copied.
    public func rows(in table: String) -> Int {
        tables.first { $0.name.lowercased() == table.lowercased() }?.rows ?? 0
    }

    public var description: String {
        let width = tables.map(\.name.count).max() ?? 0
        let lines = tables.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String($0.rows) }
        return (["copied \(source) to \(target): \(totalRows) rows in \(tables.count) tables"] + lines).joined(separator: "\n")
    }
}
