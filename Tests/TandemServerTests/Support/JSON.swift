import Foundation

/// Any JSON value, for reading responses in tests without declaring their types.
enum JSON: Decodable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSON].self)) }
    }

    init(data: Data) throws { self = try JSONDecoder().decode(JSON.self, from: data) }

    subscript(key: String) -> JSON {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    subscript(index: Int) -> JSON {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return .null
    }

    var string: String? { if case .string(let v) = self { v } else { nil } }
    var int: Int? { if case .number(let v) = self { Int(exactly: v) } else { nil } }
    var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    var array: [JSON] { if case .array(let v) = self { v } else { [] } }
    var keys: Set<String> { if case .object(let v) = self { Set(v.keys) } else { [] } }
    var isNull: Bool { self == .null }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let v): "\(v)"
        case .number(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .array(let v): "[" + v.map(\.description).joined(separator: ",") + "]"
        case .object(let v): "{" + v.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        }
    }
}

extension JSON {
    /// The fields named in a validation problem's body.
    var fieldErrors: [String] { self["errors"].array.compactMap { $0["field"].string } }
}
