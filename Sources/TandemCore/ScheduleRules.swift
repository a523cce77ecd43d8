import Foundation

/// The rules that keep a schedule possible: sessions inside their event, one session per room
/// at a time, and no speaker in two places at once.
public enum ScheduleRules {
    /// Longest single session (a full-day workshop fits).
    public static let maxSessionDuration: TimeInterval = 24 * 3600

    /// Field errors of `session` on its own and against its event's dates.
    public static func validate(_ session: Session, in event: Event) -> [FieldError] {
        var errors = session.title.validate(field: "title", maxLength: 300)
        if let abstract = session.abstract {
            errors += abstract.validate(field: "abstract", maxLength: 20_000, required: false)
        }
        errors += Check.range(session.capacity, field: "capacity", 1...100_000)
        errors += Check.languageTag(session.language, field: "language")
        if Set(session.speakerIDs).count != session.speakerIDs.count {
            errors.append(FieldError(field: "speakerIds", message: "must not name a speaker twice"))
        }
        if session.endsAt <= session.startsAt {
            errors.append(FieldError(field: "endsAt", message: "must be after startsAt"))
        } else if session.span.duration > maxSessionDuration {
            errors.append(FieldError(field: "endsAt", message: "a session may last at most 24 hours"))
        } else if !event.contains(session.span) {
            let zone = event.zone
            let window = "\(RFC3339.string(from: event.startsAt, in: zone)) – \(RFC3339.string(from: event.endsAt, in: zone))"
            let field = session.startsAt < event.startsAt ? "startsAt" : "endsAt"
            errors.append(FieldError(field: field, message: "must lie within the event (\(window))"))
        }
        return errors
    }

    /// The clashes an edit makes: those of `session` with `others`, less the ones its version before
    /// the edit (`old`) already had, so that a clash imported with `allowConflicts` does not block
    /// renaming the session or moving it within that clash.
    public static func newConflicts(of session: Session, replacing old: Session?, with others: [Session]) -> [ScheduleConflict] {
        var conflicts = Self.conflicts(of: session, with: others)
        if let old {
            let existing = Set(Self.conflicts(of: old, with: others).map(ClashKey.init))
            conflicts.removeAll { existing.contains(ClashKey($0)) }
        }
        return conflicts
    }

    /// A clash without the session's own state: what it is about and with whom.
    private struct ClashKey: Hashable {
        var reason: ScheduleConflict.Reason
        var other: Session.ID

        init(_ conflict: ScheduleConflict) {
            reason = conflict.reason
            other = conflict.conflictingSession.id
        }
    }

    /// Every clash of `session` with the other sessions of its event: same room, or a shared speaker, at overlapping times.
    public static func conflicts(of session: Session, with others: [Session]) -> [ScheduleConflict] {
        guard session.occupiesSlot else { return [] }
        var conflicts: [ScheduleConflict] = []
        let speakers = Set(session.speakerIDs)
        for other in others where other.id != session.id && other.occupiesSlot && other.span.overlaps(session.span) {
            if other.roomID == session.roomID {
                conflicts.append(ScheduleConflict(reason: .roomOccupied(session.roomID), session: session, conflictingSession: other))
            }
            for speaker in other.speakerIDs where speakers.contains(speaker) {
                conflicts.append(ScheduleConflict(reason: .speakerDoubleBooked(speaker), session: session, conflictingSession: other))
            }
        }
        return conflicts
    }

    /// Checks `session` completely; throws `ValidationError` for bad fields, `ScheduleConflictError` for clashes.
    public static func check(_ session: Session, in event: Event, others: [Session]) throws {
        try ValidationError.check(validate(session, in: event))
        let conflicts = conflicts(of: session, with: others)
        if !conflicts.isEmpty { throw ScheduleConflictError(conflicts: conflicts, timezone: event.timezone) }
    }
}

/// Why two sessions cannot both be where they are.
public struct ScheduleConflict: Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        case roomOccupied(Room.ID)
        case speakerDoubleBooked(Speaker.ID)
    }

    public var reason: Reason
    /// The session being placed.
    public var session: Session
    /// The session already there.
    public var conflictingSession: Session

    public init(reason: Reason, session: Session, conflictingSession: Session) {
        self.reason = reason
        self.session = session
        self.conflictingSession = conflictingSession
    }
}

/// A placement that clashes with the existing schedule.
public struct ScheduleConflictError: Error, Hashable, Sendable {
    public var conflicts: [ScheduleConflict]
    /// The event's zone, for reporting times in venue time.
    public var timezone: String

    public init(conflicts: [ScheduleConflict], timezone: String) {
        self.conflicts = conflicts
        self.timezone = timezone
    }
}
