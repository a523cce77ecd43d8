import Foundation
import GRDB
import PostgresNIO

/// One SQLite value made ready for the PostgreSQL column it goes to: SQLite keeps booleans as
/// integers and times as text, PostgreSQL has types for both.
enum CopyValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case boolean(Bool)
    case real(Double)
    case text(String)
    case instant(Date)
    case bytes([UInt8])

    /// `value` for a column of PostgreSQL type `udtName` (information_schema's name: int8, bool,
    /// timestamptz, …). Types Tandem's schema does not use yet go as text, cast by the server.
    init(_ value: DatabaseValue, udtName: String, table: String, column: String) throws {
        if value.isNull { self = .null; return }
        func refuse() -> CopyFailure {
            CopyFailure("\(table).\(column) holds \(value.description), which does not fit its PostgreSQL type \(udtName); "
                + "correct that row in the SQLite database and copy again")
        }
        switch udtName {
        case "int2", "int4", "int8":
            switch value.storage {
            case .int64(let number): self = .integer(number)
            case .double(let number) where number.rounded() == number && abs(number) < 9e18: self = .integer(Int64(number))
            case .string(let text) where Int64(text) != nil: self = .integer(Int64(text)!)
            default: throw refuse()
            }
        case "bool":
            switch value.storage {
            case .int64(let number): self = .boolean(number != 0)
            case .string(let text) where ["0", "1", "true", "false"].contains(text.lowercased()):
                self = .boolean(text == "1" || text.lowercased() == "true")
            default: throw refuse()
            }
        case "timestamptz", "timestamp", "date":
            // GRDB's own reading: "YYYY-MM-DD HH:MM:SS.SSS" in UTC, ISO 8601 text, or a Unix time.
            guard let date = Date.fromDatabaseValue(value) else { throw refuse() }
            self = .instant(date)
        case "float4", "float8", "numeric":
            guard let number = Double.fromDatabaseValue(value) else { throw refuse() }
            self = .real(number)
        case "bytea":
            switch value.storage {
            case .blob(let data): self = .bytes(Array(data))
            case .string(let text): self = .bytes(Array(text.utf8))
            default: throw refuse()
            }
        default:
            switch value.storage {
            case .string(let text): self = .text(text)
            case .int64(let number): self = .text(String(number))
            case .double(let number): self = .text(String(number))
            case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
            case .null: self = .null
            }
        }
    }

    func bind(into bindings: inout PostgresBindings) {
        switch self {
        case .null: bindings.appendNull()
        case .integer(let number): bindings.append(number)
        case .boolean(let flag): bindings.append(flag)
        case .real(let number): bindings.append(number)
        case .text(let text): bindings.append(text)
        case .instant(let date): bindings.append(date)
        case .bytes(let bytes): bindings.append(ByteBuffer(bytes: bytes))
        }
    }
}

/// Why a copy did not happen, in a sentence that says what to do. Nothing was written.
public struct CopyFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
