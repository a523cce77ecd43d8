import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// The audit log: who did what and when. An event's organisers read their event's log; admins
/// read the whole programme's (accounts, roles, tokens, speakers too). Newest first, paged.
struct AuditController {
    let store: any AccountStore

    struct EntryResponse: ResponseEncodable {
        var id: Int64
        var at: String
        var actor: String
        /// A change type (`session.updated`) or a private action (`registration.checked-in`).
        var action: String
        var event: String?
        /// The change's `seq` in the event's live feed, for actions that changed public state.
        var seq: Int64?
        /// The change's payload or the action's detail.
        var data: JSONFragment?
    }

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/events/{slug}/changes", use: eventLog)
        group.get("/audit", use: programmeLog)
    }

    @Sendable func eventLog(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<EntryResponse>> {
        _ = try context.require(.viewAudit)
        return try await page(eventSlug: try context.parameters.require("slug"), request: request)
    }

    @Sendable func programmeLog(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<EntryResponse>> {
        _ = try context.require(.manageAccounts)
        return try await page(eventSlug: nil, request: request)
    }

    func page(eventSlug: String?, request: Request) async throws -> EditedResponse<Page<EntryResponse>> {
        let parameters = request.uri.queryParameters
        var limit = 50
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...200).contains(value) else { throw Problem.invalid(field: "limit", "must be between 1 and 200") }
            limit = value
        }
        var before: Int64?
        if let cursor = parameters.get("cursor") {
            guard let value = Int64(cursor), value > 0 else { throw Problem.invalid(field: "cursor", "is not a cursor from this list") }
            before = value
        }
        let entries = try await store.auditLog(eventSlug: eventSlug, before: before, limit: limit)
        let items = entries.map {
            EntryResponse(id: $0.id, at: RFC3339.string(from: $0.at, in: .gmt), actor: $0.actor, action: $0.action,
                          event: $0.eventSlug, seq: $0.seq, data: $0.data.map(JSONFragment.init))
        }
        let next = entries.count == limit ? entries.last.map { String($0.id) } : nil
        return EditedResponse(headers: [.cacheControl: "no-store"], response: Page(items: items, next: next))
    }
}

/// JSON text embedded as it is (stored payloads are JSON already).
struct JSONFragment: Encodable, Sendable {
    let text: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try JSONDecoder().decode(AnyJSON.self, from: Data(text.utf8)))
    }
}

/// Any JSON value, decoded and re-encoded as it was.
enum AnyJSON: Codable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([AnyJSON]), object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([AnyJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: AnyJSON].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 9e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
