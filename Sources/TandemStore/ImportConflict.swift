import Foundation
import TandemCore

/// Two sessions that cannot both be where an imported programme puts them, named for people:
/// the rooms and speakers by name, since an import refused for its clashes leaves no ids behind.
public struct ImportConflict: Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case room(String)
        case speaker(String)
    }

    public struct Placement: Hashable, Sendable {
        public var title: String
        public var startsAt: Date
        public var endsAt: Date

        public init(title: String, startsAt: Date, endsAt: Date) {
            self.title = title
            self.startsAt = startsAt
            self.endsAt = endsAt
        }
    }

    public var reason: Reason
    /// The one that starts first.
    public var first: Placement
    public var second: Placement
    /// The venue's zone, in which the sentence gives the times.
    public var timezone: String

    public init(reason: Reason, first: Placement, second: Placement, timezone: String) {
        self.reason = reason
        self.first = first
        self.second = second
        self.timezone = timezone
    }

    /// Every clash in an event's schedule (`sessions`, by start then id) that involves a session of
    /// the import (`guids`), each pair once, the earlier session first.
    public static func clashes(among sessions: [Session], touching guids: Set<UUID>) -> [ScheduleConflict] {
        var clashes: [ScheduleConflict] = []
        for (index, session) in sessions.enumerated() {
            clashes += ScheduleRules.conflicts(of: session, with: Array(sessions[(index + 1)...]))
        }
        clashes.removeAll { !guids.contains($0.session.guid) && !guids.contains($0.conflictingSession.guid) }
        return clashes
    }

    /// The speakers `clashes` name (to look up their names).
    public static func speakerIDs(in clashes: [ScheduleConflict]) -> Set<Speaker.ID> {
        Set(clashes.compactMap { clash -> Speaker.ID? in
            if case .speakerDoubleBooked(let id) = clash.reason { return id } else { return nil }
        })
    }

    /// The clashes told with the rooms' and speakers' names.
    public static func named(_ clashes: [ScheduleConflict], roomNames: [Room.ID: String], speakerNames: [Speaker.ID: String],
                             timezone: String) -> [ImportConflict] {
        clashes.map { clash in
            let reason: Reason = switch clash.reason {
            case .roomOccupied(let id): .room(roomNames[id] ?? "room \(id)")
            case .speakerDoubleBooked(let id): .speaker(speakerNames[id] ?? "speaker \(id)")
            }
            func placement(_ session: Session) -> Placement {
                .init(title: session.title.en, startsAt: session.startsAt, endsAt: session.endsAt)
            }
            return ImportConflict(reason: reason, first: placement(clash.session), second: placement(clash.conflictingSession), timezone: timezone)
        }
    }

    public var description: String {
        let zone = TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 0)!
        let both = "\"\(first.title)\" (\(Self.span(first, zone))) and \"\(second.title)\" (\(Self.span(second, zone)))"
        switch reason {
        case .room(let name): return "room \"\(name)\" has two sessions at once: \(both)"
        case .speaker(let name): return "\(name) speaks in two sessions at once: \(both)"
        }
    }

    /// `2027-07-06 09:30–10:15`, or with both dates when it ends on another day, in `zone`.
    public static func span(_ placement: Placement, _ zone: TimeZone) -> String {
        let start = wall(placement.startsAt, zone)
        let end = wall(placement.endsAt, zone)
        return start.day == end.day ? "\(start.day) \(start.time)–\(end.time)" : "\(start.day) \(start.time) – \(end.day) \(end.time)"
    }

    /// The venue's date (the first ten characters of its RFC 3339 form, `2027-07-06`) and time.
    private static func wall(_ date: Date, _ zone: TimeZone) -> (day: String, time: String) {
        (String(RFC3339.string(from: date, in: zone).prefix(10)), WallTime.time(date, in: zone))
    }
}

/// An import refused because its sessions clash; nothing of it was written.
public struct ScheduleImportConflictError: Error, Hashable, Sendable, CustomStringConvertible {
    public var conflicts: [ImportConflict]
    public var timezone: String

    public init(conflicts: [ImportConflict], timezone: String) {
        self.conflicts = conflicts
        self.timezone = timezone
    }

    public var description: String {
        let count = conflicts.count == 1 ? "1 conflict" : "\(conflicts.count) conflicts"
        return "the schedule has \(count) (times in \(timezone)):\n" + conflicts.map { "  - \($0)" }.joined(separator: "\n")
    }
}
