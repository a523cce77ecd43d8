import Foundation

/// The rules every event must satisfy.
public enum EventRules {
    /// Longest event Tandem accepts (a yearly programme fits; a typo of a decade does not).
    public static let maxDuration: TimeInterval = 400 * 24 * 3600

    /// Slugs appear in URLs: lower-case letters, digits and single hyphens.
    public static func validateSlug(_ slug: String) -> [FieldError] {
        let allowed = slug.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
        let shape = !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
        guard (2...80).contains(slug.utf8.count), allowed, shape else {
            return [FieldError(field: "slug", message: "must be 2–80 lower-case letters, digits and single hyphens, e.g. hamburg-2017")]
        }
        return []
    }

    public static func isValidTimeZone(_ identifier: String) -> Bool {
        // Only region names: "GMT+2"-style or abbreviations would not survive daylight saving.
        identifier.contains("/") || identifier == "UTC" ? TimeZone(identifier: identifier) != nil : false
    }

    public static func validate(_ event: Event) -> [FieldError] {
        var errors = validateSlug(event.slug)
        errors += event.title.validate(field: "title", maxLength: 200)
        if let description = event.description {
            errors += description.validate(field: "description", maxLength: 20_000, required: false)
        }
        if !isValidTimeZone(event.timezone) {
            errors.append(FieldError(field: "timezone", message: "must be an IANA time zone such as Europe/Berlin or Asia/Shanghai"))
        }
        if event.endsAt <= event.startsAt {
            errors.append(FieldError(field: "endsAt", message: "must be after startsAt"))
        } else if event.endsAt.timeIntervalSince(event.startsAt) > maxDuration {
            errors.append(FieldError(field: "endsAt", message: "an event may last at most 400 days"))
        }
        errors += Check.length(event.venue.name, field: "venue.name", max: 200)
        errors += Check.optionalLength(event.venue.address, field: "venue.address", max: 500)
        errors += Check.length(event.venue.city, field: "venue.city", max: 120)
        errors += Check.country(event.venue.country, field: "venue.country")
        errors += Check.range(event.capacity, field: "capacity", 0...1_000_000)
        if let opens = event.registration.opensAt, let closes = event.registration.closesAt, closes <= opens {
            errors.append(FieldError(field: "registrationClosesAt", message: "must be after registrationOpensAt"))
        }
        if let closes = event.registration.closesAt, closes > event.endsAt {
            errors.append(FieldError(field: "registrationClosesAt", message: "must not be after the event ends"))
        }
        errors += Check.range(event.registration.holdMinutes, field: "holdMinutes", RegistrationHolds.holdMinutesRange)
        if event.parentID != nil && event.kind != .sideEvent {
            errors.append(FieldError(field: "parentSlug", message: "only a side-event can have a parent event"))
        }
        return errors
    }

    /// Whether an event may move from `old` to `new` status.
    /// Whether `parentID` (named `parentSlug`) may become the parent of `eventID`: not the event
    /// itself, and not one of its own side events however far down, which would make a cycle.
    /// `parents` holds every event's parent (events without one may be left out).
    public static func validateParent(_ parentID: Event.ID?, named parentSlug: String?, of eventID: Event.ID,
                                      parents: [Event.ID: Event.ID]) -> [FieldError] {
        if parentID == eventID {
            return [FieldError(field: "parentSlug", message: "an event cannot be its own parent")]
        }
        // Walk up from the new parent: meeting this event again would make a cycle.
        var ancestor = parentID
        var steps = 0
        while let current = ancestor, steps < 1000 {
            if current == eventID {
                return [FieldError(field: "parentSlug", message: "\"\(parentSlug ?? "")\" is a side event of this event (directly or further down), so it cannot be its parent")]
            }
            ancestor = parents[current]
            steps += 1
        }
        return []
    }

    /// New dates of an event (`event`, as it was `old`) must still hold its scheduled sessions.
    public static func validateDates(of event: Event, from old: Event, sessions: [Session]) -> [FieldError] {
        guard event.startsAt != old.startsAt || event.endsAt != old.endsAt else { return [] }
        return sessions.filter { $0.occupiesSlot && !event.contains($0.span) }.map { session in
            FieldError(field: session.startsAt < event.startsAt ? "startsAt" : "endsAt",
                       message: "session \(session.id) \"\(session.title.en)\" would lie outside the event; move it first")
        }
    }

    public static func validateTransition(from old: Event.Status, to new: Event.Status) -> [FieldError] {
        if old != .draft && new == .draft {
            return [FieldError(field: "status", message: "a \(old.rawValue) event cannot go back to draft")]
        }
        return []
    }
}
