import Foundation
import Hummingbird
import NIOCore
import TandemCore

/// Reading JSON request bodies with errors that name the field:
/// malformed JSON → 400, a missing or mistyped field → 422 with `errors[].field`.
extension Request {
    func decodeJSON<T: Decodable>(as type: T.Type, context: some RequestContext) async throws -> T {
        let buffer = try await collectBody(
            accepting: { $0.type == .application && ($0.subType == "json" || $0.subType.hasSuffix("+json")) },
            unsupported: "Send the body as application/json.",
            empty: Problem.badRequest("The request body is empty; send a JSON object.", code: "malformed-json"), context: context)
        do {
            return try JSONBody.decoder.decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw JSONBody.problem(for: error)
        }
    }
}

enum JSONBody {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be an RFC 3339 time with offset, e.g. 2017-06-15T09:30:00+02:00")
            }
            return date
        }
        return decoder
    }()

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .badRequest("The body is not valid JSON.", code: "malformed-json")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .badRequest("The body must be a JSON object.", code: "malformed-json")
        case .dataCorrupted(let context):
            return .invalid(field: path(context.codingPath), message(context.debugDescription))
        case .keyNotFound(let key, let context):
            return .invalid(field: path(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return .invalid(field: path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return .invalid(field: path(context.codingPath), "must be \(describe(type))")
        @unknown default:
            return .badRequest("The body could not be read.")
        }
    }

    /// `venue.country`, `speakerIds[2]`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    private static func message(_ debugDescription: String) -> String {
        // Our own messages start lower-case ("must be …"); Foundation's are sentences about internals.
        if debugDescription.hasPrefix("must ") || debugDescription.hasPrefix("is ") { return debugDescription }
        return "has an invalid value"
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: String(describing: type).contains("Array") ? "an array" : "an object or value of the documented type"
        }
    }
}

extension KeyedDecodingContainer {
    /// An update of a field that may not be null: absent → keep.
    func decodeUpdate<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> Update<T> {
        guard contains(key) else { return .keep }
        return .set(try decode(T.self, forKey: key))
    }

    /// An update of an optional field: absent → keep, null → clear.
    func decodeNullableUpdate<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> Update<T?> {
        guard contains(key) else { return .keep }
        if try decodeNil(forKey: key) { return .set(nil) }
        return .set(try decode(T.self, forKey: key))
    }
}
