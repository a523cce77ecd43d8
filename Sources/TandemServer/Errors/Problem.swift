import Foundation
import HTTPTypes
import TandemCore

/// An RFC 9457 problem: what the client gets for every 4xx and 5xx.
/// Handlers throw these (or domain/store errors that `ProblemMapping` turns into these).
public struct Problem: Error, Sendable, Encodable {
    public var status: HTTPResponse.Status
    /// Stable, machine-readable reason, e.g. `validation-failed`; `type` is derived from it.
    public var code: String
    public var title: String
    public var detail: String?
    public var errors: [FieldError]?
    public var conflicts: [ConflictDetail]?
    public var currentVersion: Int64?
    /// The registration a 409 `already-registered` or `registration-cancelled` is about, or whose
    /// check-in code was scanned.
    public var registrationId: Int64?
    /// A room that still has sessions: the first ten of them, by start.
    public var sessions: [RoomSession]?
    /// How many sessions that room has.
    public var sessionCount: Int?
    /// The clashes an import is refused for.
    var importConflicts: [ImportConflictEntry]?
    /// A refused check-in: `waitlisted`, `pending`, `cancelled` or `unknown-code`.
    public var outcome: String?
    /// The attendee a refused check-in is about.
    public var name: String?
    /// Extra response headers (e.g. `WWW-Authenticate`, the current `ETag`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, title: String, detail: String? = nil, errors: [FieldError]? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public var type: String { "urn:tandem:problem:\(code)" }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, errors, conflicts, currentVersion, registrationId
        case sessions, sessionCount
        case importConflicts
        case outcome, name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(Int(status.code), forKey: .status)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encode(code, forKey: .code)
        try container.encodeIfPresent(errors, forKey: .errors)
        try container.encodeIfPresent(conflicts, forKey: .conflicts)
        try container.encodeIfPresent(currentVersion, forKey: .currentVersion)
        try container.encodeIfPresent(registrationId, forKey: .registrationId)
        try container.encodeIfPresent(sessions, forKey: .sessions)
        try container.encodeIfPresent(sessionCount, forKey: .sessionCount)
        try container.encodeIfPresent(importConflicts, forKey: .importConflicts)
        try container.encodeIfPresent(outcome, forKey: .outcome)
        try container.encodeIfPresent(name, forKey: .name)
    }

    /// A session in a room that cannot be deleted.
    public struct RoomSession: Encodable, Sendable {
        public var id: Int64
        /// Its English title.
        public var title: String
        public var startsAt: String
        public var endsAt: String
    }

    /// One clash reported with a 409 `schedule-conflict`.
    public struct ConflictDetail: Encodable, Sendable {
        /// `room` or `speaker`.
        public var reason: String
        public var roomId: Int64?
        public var speakerId: Int64?
        /// The session already in that slot.
        public var sessionId: Int64
        public var title: String
        public var startsAt: String
        public var endsAt: String
    }
}

extension Problem {
    static func unauthorized(_ detail: String = "Log in and send the token as 'Authorization: Bearer …'.") -> Problem {
        var problem = Problem(.unauthorized, code: "unauthenticated", title: "Authentication required", detail: detail)
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"tandem\""
        return problem
    }

    static func csrfRejected() -> Problem {
        Problem(.forbidden, code: "csrf-token-invalid", title: "CSRF token missing or wrong",
                detail: "A change made with the session cookie must send the value of the 'tandem_csrf' cookie in the 'X-CSRF-Token' header.")
    }

    static func tooManyRequests(retryAfter seconds: Int, detail: String) -> Problem {
        var problem = Problem(.tooManyRequests, code: "rate-limited", title: "Too many requests", detail: detail)
        problem.headers[.retryAfter] = String(max(1, seconds))
        return problem
    }

    static func forbidden() -> Problem {
        Problem(.forbidden, code: "forbidden", title: "Not allowed", detail: "Your account does not have the role this action needs.")
    }

    static func badRequest(_ detail: String, code: String = "bad-request") -> Problem {
        Problem(.badRequest, code: code, title: "Bad request", detail: detail)
    }

    static func invalid(_ errors: [FieldError]) -> Problem {
        let detail = errors.count == 1 ? errors[0].description : "\(errors.count) fields are invalid: " + errors.map(\.field).joined(separator: ", ")
        return Problem(.unprocessableContent, code: "validation-failed", title: "Invalid input", detail: detail, errors: errors)
    }

    static func invalid(field: String, _ message: String) -> Problem {
        invalid([FieldError(field: field, message: message)])
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, code: "not-found", title: "Not found", detail: detail)
    }
}
