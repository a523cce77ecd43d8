import Foundation

/// The rules for registering: who may, when, and for which sessions.
public enum RegistrationRules {
    public static let maxSessions = 20

    /// Field errors of the request on its own. Names are kept exactly as typed (any script),
    /// only surrounding white space is removed.
    public static func validate(_ request: RegistrationRequest) -> [FieldError] {
        let name = request.name.trimmingWhitespace
        var errors = Check.length(name, field: "name", max: 200)
        if name.contains(where: { $0.isNewline }) {
            errors.append(FieldError(field: "name", message: "must be on one line"))
        }
        if !EmailAddress.isPlausible(request.email) {
            errors.append(FieldError(field: "email", message: "must be an e-mail address such as li.wei@example.org"))
        }
        errors += Check.optionalLength(request.organisation, field: "organisation", max: 300)
        errors += Check.country(request.country, field: "country")
        if request.sessionIDs.count > maxSessions {
            errors.append(FieldError(field: "sessionIds", message: "at most \(maxSessions) sessions"))
        }
        if Set(request.sessionIDs).count != request.sessionIDs.count {
            errors.append(FieldError(field: "sessionIds", message: "must not name a session twice"))
        }
        if !request.consent {
            errors.append(FieldError(field: "consent", message: "must be true: we need your consent to process your data for this event"))
        }
        return errors
    }

    /// Why registration for `event` is not possible at `instant`, if it is not.
    public static func closedReason(for event: Event, at instant: Date) -> String? {
        switch event.status {
        case .draft: return "This event is not published."
        case .cancelled: return "This event has been cancelled."
        case .published: break
        }
        if let opens = event.registration.opensAt, instant < opens {
            return "Registration opens at \(RFC3339.string(from: opens, in: event.zone))."
        }
        if let closes = event.registration.closesAt, instant >= closes {
            return "Registration closed at \(RFC3339.string(from: closes, in: event.zone))."
        }
        if instant >= event.endsAt { return "This event is over." }
        return nil
    }

    /// Field errors for the sessions chosen: this event's workshop sessions that take sign-ups,
    /// not cancelled, and not at the same time as each other.
    public static func validateChoices(_ ids: [Session.ID], sessions: [Session.ID: Session]) -> [FieldError] {
        validateSignUp(ids, sessions: sessions) + validateNoOverlap(ids, sessions: sessions)
    }

    /// Each session exists in this event, takes sign-ups and is not cancelled.
    public static func validateSignUp(_ ids: [Session.ID], sessions: [Session.ID: Session]) -> [FieldError] {
        ids.compactMap { id in
            guard let session = sessions[id] else {
                return FieldError(field: "sessionIds", message: "no session \(id) in this event")
            }
            if session.capacity == nil {
                return FieldError(field: "sessionIds", message: "session \(id) \"\(session.title.en)\" is open to all and needs no sign-up")
            }
            if session.status == .cancelled {
                return FieldError(field: "sessionIds", message: "session \(id) \"\(session.title.en)\" is cancelled")
            }
            return nil
        }
    }

    /// No two of the (scheduled) sessions take place at the same time.
    public static func validateNoOverlap(_ ids: [Session.ID], sessions: [Session.ID: Session]) -> [FieldError] {
        let chosen = ids.compactMap { sessions[$0] }.filter { $0.status == .scheduled }
        var errors: [FieldError] = []
        for (index, session) in chosen.enumerated() {
            for other in chosen[(index + 1)...] where other.span.overlaps(session.span) {
                errors.append(FieldError(field: "sessionIds", message: "sessions \(session.id) and \(other.id) take place at the same time"))
            }
        }
        return errors
    }

    /// Whether one more seat can be given under `capacity` (`nil`: unlimited).
    public static func hasFreeSeat(confirmed: Int, capacity: Int?) -> Bool {
        capacity.map { confirmed < $0 } ?? true
    }

    /// Who moves up from a waitlist into the free seats: first in, first seated (queue order, then
    /// id), as many as there are free seats. A hold past its time is passed over: the expiry job is
    /// about to release it. `waitlist` may be in any order; the stores only read it.
    public static func promotions(confirmed: Int, capacity: Int?, waitlist: [WaitlistEntry], at instant: Date) -> [Int64] {
        let eligible = waitlist
            .filter { entry in entry.holdExpiresAt.map { !RegistrationHolds.hasExpired($0, at: instant) } ?? true }
            .sorted { ($0.queueOrder, $0.id) < ($1.queueOrder, $1.id) }
        guard let capacity else { return eligible.map(\.id) }
        return eligible.prefix(max(0, capacity - confirmed)).map(\.id)
    }
}

/// A place on a waitlist (the event's or a workshop's), as the promotion rule needs it.
public struct WaitlistEntry: Hashable, Sendable {
    /// The registration's id.
    public var id: Int64
    public var queueOrder: Int64
    /// An unconfirmed hold (`verified` events) and when it runs out.
    public var holdExpiresAt: Date?

    public init(id: Int64, queueOrder: Int64, holdExpiresAt: Date? = nil) {
        self.id = id
        self.queueOrder = queueOrder
        self.holdExpiresAt = holdExpiresAt
    }
}
