import TandemStore
import GRDB

/// Hot-path queries run from prepared statements kept by the connection: preparing SQL (and
/// GRDB's authorizer pass over it) costs more than running these small queries.
extension Database {
    func cachedValue<T: DatabaseValueConvertible & StatementColumnConvertible>(_ type: T.Type, _ sql: String,
                                                                               _ arguments: StatementArguments = []) throws -> T? {
        try T.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func cachedValues<T: DatabaseValueConvertible & StatementColumnConvertible>(_ type: T.Type, _ sql: String,
                                                                                _ arguments: StatementArguments = []) throws -> [T] {
        try T.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }

    func cachedRecord<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: StatementArguments = []) throws -> R? {
        try R.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func cachedRecords<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: StatementArguments = []) throws -> [R] {
        try R.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }

    func cachedRow(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func cachedExecute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
