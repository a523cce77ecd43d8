import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// The audit log: who did what and when. An event's organisers read their event's log; admins
/// read the whole programme's (accounts, roles, tokens, speakers too). Newest first, paged, and
/// filtered by event, actor and action.
struct AuditController {
    let store: any AccountStore & ScheduleStore

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

    /// `?actor=` and `?action=` filter as on the programme's log. With `?since=SEQ` it answers the
    /// event's change log instead (`changeLog`).
    @Sendable func eventLog(_ request: Request, context: TandemRequestContext) async throws -> Response {
        _ = try context.require(.viewAudit)
        if request.uri.queryParameters.get("since") != nil { return try await changeLog(request, context: context) }
        var query = try Self.query(request, eventParameter: false)
        query.eventSlug = try context.parameters.require("slug")
        return try await page(query).response(from: request, context: context)
    }

    /// `?since=SEQ`: the change-log records after `seq`, ascending, each exactly the live message
    /// and the webhook body of its change (`{"seq", "type", "at", "data"}`); `?limit=` (1–500,
    /// default 100); `next` is the last `seq` of a full page, to pass as `cursor` (or as `since`).
    func changeLog(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        var errors: [FieldError] = []
        var after: Int64 = 0
        var limit = 100
        if let text = parameters.get("since") {
            if let value = Int64(text), value >= 0 { after = value } else {
                errors.append(FieldError(field: "since", message: "must be a seq: 0 or a whole number from a live message or a webhook"))
            }
        }
        if let text = parameters.get("cursor") {
            if let value = Int64(text), value >= 0 { after = max(after, value) } else {
                errors.append(FieldError(field: "cursor", message: "is not a cursor from this list"))
            }
        }
        if let text = parameters.get("limit") {
            if let value = Int(text), (1...500).contains(value) { limit = value } else {
                errors.append(FieldError(field: "limit", message: "must be between 1 and 500"))
            }
        }
        for name in ["actor", "action"] where parameters.get(name) != nil {
            errors.append(FieldError(field: name, message: "filters the audit log, not the change log: leave out since, or this"))
        }
        try ValidationError.check(errors)
        let slug = try context.parameters.require("slug")
        let event = try await store.event(slug: slug)
        let changes = try await store.changes(eventSlug: slug, after: after, limit: limit)
        let frames = try changes.compactMap { try LiveMessage.frame(for: $0, zone: event.zone) }
        // The records as they are sent live and to webhooks, byte for byte.
        let next = changes.count == limit ? changes.last?.seq.map { "\"\($0)\"" } ?? "null" : "null"
        let body = "{\"items\":[" + frames.map(\.text).joined(separator: ",") + "],\"next\":" + next + "}"
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `?event=SLUG`, `?actor=EMAIL` (also the actions of its API tokens), `?action=PREFIX`, combined.
    @Sendable func programmeLog(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<EntryResponse>> {
        _ = try context.require(.manageAccounts)
        return try await page(try Self.query(request, eventParameter: true))
    }

    /// The filters and the page of the query string; every parameter is checked before anything is read.
    static func query(_ request: Request, eventParameter: Bool) throws -> AuditQuery {
        let parameters = request.uri.queryParameters
        var query = AuditQuery()
        var errors: [FieldError] = []
        if let text = parameters.get("limit") {
            if let value = Int(text), (1...200).contains(value) { query.limit = value } else {
                errors.append(FieldError(field: "limit", message: "must be between 1 and 200"))
            }
        }
        if let cursor = parameters.get("cursor") {
            if let value = Int64(cursor), value > 0 { query.before = value } else {
                errors.append(FieldError(field: "cursor", message: "is not a cursor from this list"))
            }
        }
        for (name, maximum) in [("event", 100), ("actor", 320), ("action", 100)] where eventParameter || name != "event" {
            guard let value = parameters.get(name) else { continue }
            guard !value.isEmpty, value.count <= maximum else {
                errors.append(FieldError(field: name, message: "must be 1 to \(maximum) characters"))
                continue
            }
            switch name {
            case "event": query.eventSlug = value
            case "actor": query.actor = value
            default: query.actionPrefix = value
            }
        }
        try ValidationError.check(errors)
        return query
    }

    func page(_ query: AuditQuery) async throws -> EditedResponse<Page<EntryResponse>> {
        let limit = query.limit
        let entries = try await store.auditLog(query)
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
