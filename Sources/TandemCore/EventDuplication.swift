import Foundation

/// Next year's round of an event: the same event, rooms and programme skeleton, moved in time so
/// that the new round starts at `startsAt`. A pure rule; the stores write what it returns.
public struct EventDuplication: Sendable {
    /// The new event's slug, start and (if given) title.
    public var slug: String
    public var startsAt: Date
    public var title: TranslatedText?

    public init(slug: String, startsAt: Date, title: TranslatedText? = nil) {
        self.slug = slug
        self.startsAt = startsAt
        self.title = title
    }

    /// A session of the copy, in the room at `roomIndex` of `Plan.rooms`.
    public struct PlannedSession: Hashable, Sendable {
        public var session: Session
        public var roomIndex: Int
    }

    /// What to write: the event (a draft, no id yet), its rooms in order, and its sessions.
    public struct Plan: Hashable, Sendable {
        public var event: Event
        public var rooms: [Room]
        public var sessions: [PlannedSession]
    }

    /// The copy of `source`: a draft with the source's kind, zone, venue, capacity, registration
    /// mode, hold minutes, parent and description; its dates, registration window and sessions moved
    /// by `VenueShift`. Cancelled sessions are left behind; the others keep their titles, abstracts,
    /// kinds, rooms, speakers, capacities and languages, with new guids from `makeGUID`.
    public func plan(from source: Event, rooms: [Room], sessions: [Session], makeGUID: () -> UUID) -> Plan {
        let shift = VenueShift(zone: source.zone, from: source.startsAt, to: startsAt)
        var event = source
        event.id = .init(0)
        event.slug = slug.trimmingWhitespace
        event.status = .draft
        event.title = title?.normalised ?? source.title
        event.startsAt = shift.apply(source.startsAt)
        event.endsAt = shift.apply(source.endsAt)
        event.registration.opensAt = source.registration.opensAt.map(shift.apply)
        event.registration.closesAt = source.registration.closesAt.map(shift.apply)
        event.parentID = nil // the store resolves `parentSlug`
        event.scheduleVersion = 0
        event.seats = SeatCount(capacity: source.capacity)

        let orderedRooms = rooms.sorted { ($0.position, $0.id.rawValue) < ($1.position, $1.id.rawValue) }
        let roomIndex = Dictionary(uniqueKeysWithValues: orderedRooms.enumerated().map { ($1.id, $0) })
        let copiedRooms = orderedRooms.map { Room(id: .init(0), eventID: .init(0), name: $0.name, capacity: $0.capacity, position: $0.position) }
        let copiedSessions = sessions
            .filter { $0.status == .scheduled && roomIndex[$0.roomID] != nil }
            .sorted { ($0.startsAt, $0.id.rawValue) < ($1.startsAt, $1.id.rawValue) }
            .map { old in
                PlannedSession(
                    session: Session(id: .init(0), eventID: .init(0), guid: makeGUID(), title: old.title, abstract: old.abstract,
                                     kind: old.kind, roomID: .init(0), startsAt: shift.apply(old.startsAt), endsAt: shift.apply(old.endsAt),
                                     speakerIDs: old.speakerIDs, capacity: old.capacity, language: old.language),
                    roomIndex: roomIndex[old.roomID]!)
            }
        return Plan(event: event, rooms: copiedRooms, sessions: copiedSessions)
    }
}

/// Moves instants by the difference between two instants as the venue's clock reads them, so a
/// session at 09:30 stays at 09:30 even when one round falls in summer time and the other does not.
/// Where both rounds have the same UTC offset this is the plain difference of the two instants.
public struct VenueShift: Sendable {
    public let zone: TimeZone
    /// The difference of the two wall-clock readings, in seconds.
    public let wallSeconds: TimeInterval

    public init(zone: TimeZone, from: Date, to: Date) {
        self.zone = zone
        wallSeconds = Self.wall(to, zone) - Self.wall(from, zone)
    }

    /// The instant whose venue time is `date`'s venue time moved by `wallSeconds`. A venue time that
    /// does not exist (the hour skipped in spring) comes out an hour later; one that exists twice
    /// (autumn), at its first occurrence.
    public func apply(_ date: Date) -> Date {
        let target = Self.wall(date, zone) + wallSeconds
        // The instant is the target less the offset in force at that instant: try the offsets in
        // force a day either side (a zone changes its offset at most once in a day).
        let offsets = Set([-86_400.0, 0, 86_400].map { TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: target + $0))) })
        let candidates = offsets.map { target - $0 }.sorted()
        let valid = candidates.filter { Self.wall(Date(timeIntervalSince1970: $0), zone) == target }
        return Date(timeIntervalSince1970: valid.first ?? candidates.last!)
    }

    /// The venue's wall-clock reading of `date`, as seconds since 1970 on a clock without zones.
    static func wall(_ date: Date, _ zone: TimeZone) -> TimeInterval {
        date.timeIntervalSince1970 + TimeInterval(zone.secondsFromGMT(for: date))
    }
}
