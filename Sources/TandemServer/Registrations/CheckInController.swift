import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// The door: checking attendees in by their check-in code, and the count of those in. Every answer
/// carries an `outcome` and a sentence a door page can show as it is, with the attendee's name
/// where the code names a registration.
struct CheckInController {
    let store: any RegistrationStore & ScheduleStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/events/{slug}/checkins", use: checkIn)
        group.get("/events/{slug}/checkins/summary", use: summary)
    }

    /// What a scan came to: `checked-in` and `already-checked-in` answer 200; the others are problems.
    enum Outcome: String {
        case checkedIn = "checked-in"
        case alreadyCheckedIn = "already-checked-in"
        case waitlisted
        case pending
        case cancelled
        case unknownCode = "unknown-code"
    }

    /// Idempotent: a second scan says when the attendee was checked in.
    @Sendable func checkIn(_ request: Request, context: TandemRequestContext) async throws -> CheckInResponse {
        _ = try context.require(.checkIn)
        let slug = try context.parameters.require("slug")
        let body = try await request.decodeJSON(as: CheckInRequest.self, context: context)
        guard let text = body.code ?? body.token else {
            throw Problem.invalid(field: "code", "is required: the check-in code on the attendee's page or confirmation e-mail, like 42-K7QM-3XPT")
        }
        let event = try await store.event(slug: slug) // an unknown event is a plain 404, not an unknown code
        guard let code = CheckInCode(text) else { throw Self.refused(.unknownCode) }
        let result: CheckIn
        do {
            result = try await store.checkIn(eventSlug: slug, code: code, by: context.actor)
        } catch StoreError.notFound {
            throw Self.refused(.unknownCode)
        } catch let error as RegistrationError {
            // The code matched a registration that cannot be checked in: say whose it is.
            let registration = try? await store.registration(eventSlug: slug, id: Registration.ID(code.registrationID))
            switch error {
            case .awaitingConfirmation: throw Self.refused(.pending, registration: registration)
            case .notConfirmed(.waitlisted): throw Self.refused(.waitlisted, registration: registration)
            case .notConfirmed: throw Self.refused(.cancelled, registration: registration)
            default: throw error
            }
        }
        let registration = result.registration
        let at = registration.checkedInAt.map { WallTime.dayAndTime($0, in: event.zone, .en) } ?? ""
        return CheckInResponse(
            outcome: (result.alreadyCheckedIn ? Outcome.alreadyCheckedIn : .checkedIn).rawValue,
            alreadyCheckedIn: result.alreadyCheckedIn,
            message: result.alreadyCheckedIn ? "\(registration.name) was already checked in at \(at)." : "\(registration.name) is checked in.",
            name: registration.name, checkedInAt: registration.checkedInAt?.wire(in: event.zone),
            registration: RegistrationResponse(registration, zone: event.zone))
    }

    @Sendable func summary(_ request: Request, context: TandemRequestContext) async throws -> CheckInSummaryResponse {
        _ = try context.require(.viewRegistrations)
        let summary = try await store.checkInSummary(eventSlug: try context.parameters.require("slug"))
        return CheckInSummaryResponse(checkedIn: summary.checkedIn, confirmed: summary.confirmed)
    }

    /// The problem for a scan that checks nobody in; the codes are those the route always answered.
    static func refused(_ outcome: Outcome, registration: Registration? = nil) -> Problem {
        let who = registration?.name
        var problem: Problem
        switch outcome {
        case .waitlisted:
            problem = Problem(.conflict, code: "not-confirmed", title: "Not confirmed",
                              detail: "\(who ?? "This attendee") is on the waitlist, not confirmed: not checked in.")
        case .cancelled:
            problem = Problem(.conflict, code: "not-confirmed", title: "Not confirmed",
                              detail: "\(who.map { "\($0)'s" } ?? "This") registration is cancelled: not checked in.")
        case .pending:
            problem = Problem(.conflict, code: "awaiting-confirmation", title: "Not confirmed yet",
                              detail: "\(who ?? "This attendee") has not confirmed the registration from its e-mail yet: not checked in. "
                                  + "They should open the link in that e-mail first.")
        case .unknownCode, .checkedIn, .alreadyCheckedIn:
            problem = Problem(.notFound, code: "not-found", title: "Unknown check-in code",
                              detail: "No registration of this event has this check-in code: check the code, or ask which event the attendee registered for.")
        }
        problem.outcome = outcome.rawValue
        problem.name = who
        problem.registrationId = registration?.id.rawValue
        return problem
    }
}

/// `POST /api/v1/events/{slug}/checkins` when someone was checked in, now or before.
struct CheckInResponse: ResponseEncodable {
    /// `checked-in` or `already-checked-in`.
    var outcome: String
    var alreadyCheckedIn: Bool
    /// A line for the door page (English), e.g. `Li Wei is checked in.`
    var message: String
    var name: String
    /// When, in the venue's zone.
    var checkedInAt: String?
    var registration: RegistrationResponse
}

/// `GET /api/v1/events/{slug}/checkins/summary`.
struct CheckInSummaryResponse: ResponseEncodable {
    var checkedIn: Int
    var confirmed: Int
}
