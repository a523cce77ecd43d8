import Foundation

/// A room that cannot be deleted because sessions are still in it (cancelled ones too: they keep
/// their slot on record). Names the sessions, so the organiser knows what to move.
public struct RoomInUse: Error, Hashable, Sendable, CustomStringConvertible {
    /// How many sessions the sentence names before "and N more".
    public static let namedLimit = 10

    public struct Occupant: Hashable, Sendable {
        public var id: Session.ID
        public var title: String
        public var startsAt: Date
        public var endsAt: Date

        public init(id: Session.ID, title: String, startsAt: Date, endsAt: Date) {
            self.id = id
            self.title = title
            self.startsAt = startsAt
            self.endsAt = endsAt
        }
    }

    public var roomID: Room.ID
    public var roomName: String
    /// The first `namedLimit` sessions, by start.
    public var sessions: [Occupant]
    /// All of them.
    public var total: Int
    /// The venue's zone, in which the sentence gives the times.
    public var timezone: String

    /// From every session in the room (in any order): the first `namedLimit` by start are named.
    public init(roomID: Room.ID, roomName: String, sessions all: [Session], timezone: String) {
        self.roomID = roomID
        self.roomName = roomName
        self.timezone = timezone
        total = all.count
        sessions = all.sorted { ($0.startsAt, $0.id.rawValue) < ($1.startsAt, $1.id.rawValue) }.prefix(Self.namedLimit)
            .map { Occupant(id: $0.id, title: $0.title.en, startsAt: $0.startsAt, endsAt: $0.endsAt) }
    }

    public var zone: TimeZone { ZoneCache.zone(timezone) ?? ZoneCache.utc }

    /// `room "Saal 1" still has 12 sessions: "Opening" (Thu 6 Jul 2027 09:30–10:15), …, and 2 more;
    /// move them to another room or delete them first`.
    public var description: String {
        let named = sessions.map { "\"\($0.title)\" (\(WallTime.dayAndTime($0.startsAt, in: zone, .en))–\(WallTime.time($0.endsAt, in: zone)))" }
        let more = total - sessions.count
        let list = named.joined(separator: ", ") + (more > 0 ? ", and \(more) more" : "")
        let count = total == 1 ? "1 session" : "\(total) sessions"
        return "room \"\(roomName)\" still has \(count) (times in \(timezone)): \(list); move \(total == 1 ? "it" : "them") to another room or delete \(total == 1 ? "it" : "them") first"
    }
}
