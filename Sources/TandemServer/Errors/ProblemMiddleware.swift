import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TandemCore
import TandemStore

/// Turns every error thrown below it into an RFC 9457 problem+json response.
/// Unknown errors become a generic 500; the full error goes to the log with the request id.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ProblemMapping.problem(for: error)
            if problem.status.kind == .serverError {
                context.logger.error("request failed", metadata: [
                    "error": "\(String(reflecting: error))", "path": "\(LogRedaction.path(request.uri.path))", "method": "\(request.method)",
                ])
            }
            return problem.response(isHead: request.method == .head)
        }
    }
}

extension Problem {

    func response(isHead: Bool = false) -> Response {
        let data = (try? WireJSON.encoder.encode(self)) ?? Data(#"{"title":"Internal error","status":500}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        fields[.contentLength] = String(data.count)
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: isHead ? .init() : .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The one mapping from domain, store and framework errors to problems.
enum ProblemMapping {
    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as ValidationError:
            return .invalid(error.errors)
        case let error as ScheduleConflictError:
            return conflict(error)
        case let error as RoomInUse:
            return roomInUse(error)
        case let error as ImportError:
            return Problem(.unprocessableContent, code: "import-invalid", title: "This file cannot be imported", detail: sentence(error.description))
        case let error as ScheduleImportConflictError:
            let count = error.conflicts.count == 1 ? "1 conflict" : "\(error.conflicts.count) conflicts"
            var problem = Problem(.conflict, code: "import-conflict", title: "The schedule has conflicts",
                                  detail: "The schedule has \(count) (times in \(error.timezone)): " + error.conflicts.map(\.description).joined(separator: "; ")
                                      + ". Nothing was imported. Move these sessions apart in pretalx (or frab) and export again, "
                                      + "or import with allowConflicts=true to keep them as they are.")
            problem.importConflicts = error.conflicts.map(ImportConflictEntry.init)
            return problem
        case let error as StoreError:
            return store(error)
        case let error as RegistrationError:
            return registration(error)
        case let error as HTTPError:
            return http(error)
        case is NIOTooManyBytesError:
            return tooLarge()
        default:
            return Problem(.internalServerError, code: "internal-error", title: "Internal server error",
                           detail: "Something went wrong on our side; it has been logged.")
        }
    }

    static func tooLarge() -> Problem {
        Problem(.contentTooLarge, code: "body-too-large", title: "Request body too large",
                detail: "The request body exceeds the limit of this server.")
    }

    private static func store(_ error: StoreError) -> Problem {
        switch error {
        case .notFound(let entity, let key):
            return .notFound("No \(entity) \"\(key)\".")
        case .conflict(let field, let message):
            return Problem(.conflict, code: "conflict", title: "Conflict", detail: message,
                           errors: field.map { [FieldError(field: $0, message: message)] })
        case .stale(let entity, let version):
            var problem = Problem(.preconditionFailed, code: "stale", title: "Edited by someone else",
                                  detail: "This \(entity) has changed since you loaded it (now version \(version)). Reload it, check the change, and apply your edit again.")
            problem.currentVersion = version
            return problem
        case .busy(let message):
            var problem = Problem(.serviceUnavailable, code: "busy", title: "Busy, try again",
                                  detail: message + " Nothing was changed; send the same request again in a moment.")
            problem.headers[.retryAfter] = "1"
            return problem
        }
    }

    private static func registration(_ error: RegistrationError) -> Problem {
        switch error {
        case .closed(let reason):
            return Problem(.conflict, code: "registration-closed", title: "Registration is not open", detail: reason)
        case .alreadyRegistered:
            // No registration id: the caller has only shown that they can type the address.
            return Problem(.conflict, code: "already-registered", title: "Already registered",
                           detail: "This e-mail address is already registered for this event. Use the link in your confirmation e-mail to change or cancel it.")
        case .holdExpired(let slug):
            return Problem(.gone, code: "hold-expired", title: "This hold expired",
                           detail: "The place was held for you only for a limited time and has gone to the next person. Register again at /events/\(slug).")
        case .awaitingConfirmation:
            return Problem(.conflict, code: "awaiting-confirmation", title: "Not confirmed yet",
                           detail: "This registration has not been confirmed from its e-mail yet; the attendee should open the link in it first.")
        case .registrationCancelled(let id):
            var problem = Problem(.conflict, code: "registration-cancelled", title: "Registration cancelled",
                                  detail: "Registration \(id) is cancelled and cannot be changed. Register again if you want to come.")
            problem.registrationId = id.rawValue
            return problem
        case .noFreeSeat:
            return Problem(.conflict, code: "no-free-seat", title: "No free seat",
                           detail: "Every seat is taken. Raise the event's capacity first, then promote.")
        case .notConfirmed(let status):
            return Problem(.conflict, code: "not-confirmed", title: "Not confirmed",
                           detail: status == .waitlisted ? "This attendee is on the waitlist, not confirmed." : "This registration is cancelled.")
        }
    }

    private static func conflict(_ error: ScheduleConflictError) -> Problem {
        let zone = TimeZone(identifier: error.timezone) ?? TimeZone(secondsFromGMT: 0)!
        let details = error.conflicts.map { conflict -> Problem.ConflictDetail in
            let other = conflict.conflictingSession
            var detail = Problem.ConflictDetail(
                reason: "room", roomId: nil, speakerId: nil, sessionId: other.id.rawValue, title: other.title.en,
                startsAt: RFC3339.string(from: other.startsAt, in: zone), endsAt: RFC3339.string(from: other.endsAt, in: zone))
            switch conflict.reason {
            case .roomOccupied(let room): detail.roomId = room.rawValue
            case .speakerDoubleBooked(let speaker):
                detail.reason = "speaker"
                detail.speakerId = speaker.rawValue
            }
            return detail
        }
        let sentences = details.map { d in
            d.reason == "room"
                ? "the room is taken by session \(d.sessionId) \"\(d.title)\""
                : "speaker \(d.speakerId ?? 0) is already in session \(d.sessionId) \"\(d.title)\""
        }
        var problem = Problem(.conflict, code: "schedule-conflict", title: "Schedule conflict",
                              detail: "At that time " + sentences.joined(separator: "; ") + ".")
        problem.conflicts = details
        return problem
    }

    /// The 409 for deleting a room with sessions: `conflict` on `roomId`, as ever, naming the sessions.
    private static func roomInUse(_ error: RoomInUse) -> Problem {
        var problem = Problem(.conflict, code: "conflict", title: "Conflict", detail: sentence(error.description),
                              errors: [FieldError(field: "roomId", message: error.description)])
        problem.sessions = error.sessions.map {
            Problem.RoomSession(id: $0.id.rawValue, title: $0.title, startsAt: $0.startsAt.wire(in: error.zone), endsAt: $0.endsAt.wire(in: error.zone))
        }
        problem.sessionCount = error.total
        return problem
    }

    /// A clause as a sentence: a capital first letter and a full stop.
    static func sentence(_ clause: String) -> String {
        guard let first = clause.first else { return clause }
        let text = first.uppercased() + clause.dropFirst()
        return text.hasSuffix(".") ? text : text + "."
    }

    private static func http(_ error: HTTPError) -> Problem {
        switch error.status {
        case .notFound:
            return .notFound("There is nothing at this address.")
        case .contentTooLarge:
            return tooLarge()
        case .methodNotAllowed:
            return Problem(.methodNotAllowed, code: "method-not-allowed", title: "Method not allowed", detail: error.body)
        default:
            var problem = Problem(error.status, code: error.status.kind == .serverError ? "internal-error" : "http-\(error.status.code)",
                                  title: error.status.reasonPhrase, detail: error.status.kind == .serverError ? nil : error.body)
            problem.headers = error.headers
            problem.headers[.contentType] = nil
            problem.headers[.contentLength] = nil
            return problem
        }
    }
}
