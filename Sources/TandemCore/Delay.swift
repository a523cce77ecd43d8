import Foundation

/// "Room B runs 15 minutes late from 14:00": shifts later sessions in one room or in all rooms.
public struct Delay: Codable, Hashable, Sendable {
    /// `nil` delays every room.
    public var roomID: Room.ID?
    public var from: Date
    /// Minutes to shift; negative pulls sessions earlier (e.g. to undo a delay).
    public var minutes: Int

    public init(roomID: Room.ID?, from: Date, minutes: Int) {
        self.roomID = roomID
        self.from = from
        self.minutes = minutes
    }

    public static let allowedMinutes = -720...720

    public func validate() -> [FieldError] {
        if minutes == 0 || !Self.allowedMinutes.contains(minutes) {
            return [FieldError(field: "minutes", message: "must be between -720 and 720 and not 0")]
        }
        return []
    }

    /// The sessions this delay changes, already changed:
    /// - scheduled sessions in the delayed room(s) that start at or after `from` move by `minutes`;
    /// - a session already running at `from` overruns: its end moves by `minutes` (positive delays only).
    /// Cancelled sessions and other rooms stay as they are.
    public func apply(to sessions: [Session]) -> [Session] {
        let shift = TimeInterval(minutes * 60)
        return sessions.compactMap { session in
            guard session.occupiesSlot, roomID == nil || session.roomID == roomID else { return nil }
            var moved = session
            if session.startsAt >= from {
                moved.startsAt = session.startsAt.addingTimeInterval(shift)
                moved.endsAt = session.endsAt.addingTimeInterval(shift)
            } else if session.endsAt > from && minutes > 0 {
                moved.endsAt = session.endsAt.addingTimeInterval(shift)
            } else {
                return nil
            }
            return moved
        }
    }

    /// Applies the delay to an event's sessions and checks the result; returns the changed sessions.
    public func plan(for event: Event, sessions: [Session]) throws -> [Session] {
        try ValidationError.check(validate())
        let moved = apply(to: sessions)
        let movedIDs = Set(moved.map(\.id))
        let after = sessions.filter { !movedIDs.contains($0.id) } + moved
        var conflicts: [ScheduleConflict] = []
        for session in moved {
            if !event.contains(session.span) {
                throw ValidationError(field: "minutes", message: "would move \"\(session.title.en)\" (session \(session.id)) outside the event's dates")
            }
            conflicts += ScheduleRules.conflicts(of: session, with: after)
        }
        if !conflicts.isEmpty { throw ScheduleConflictError(conflicts: conflicts, timezone: event.timezone) }
        return moved.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }
    }
}
