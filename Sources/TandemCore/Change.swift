import Foundation

/// One committed change: the unit of the live feed, of resume-after-reconnect and of the audit log.
public struct Change: Hashable, Sendable {
    /// The event whose public state changed; `nil` for programme-wide changes (e.g. a new speaker).
    public var eventID: Event.ID?
    /// Per-event sequence number, 1, 2, 3…; `nil` for programme-wide changes.
    public var seq: Int64?
    public var data: ChangeData
    /// Who made the change: an account e-mail, `system` or `attendee`.
    public var actor: String
    public var at: Date
    /// The event's IANA zone when the change was made, so listeners can show its times.
    public var timezone: String?

    public init(eventID: Event.ID?, seq: Int64?, data: ChangeData, actor: String, at: Date, timezone: String? = nil) {
        self.eventID = eventID
        self.seq = seq
        self.data = data
        self.actor = actor
        self.at = at
        self.timezone = timezone
    }

    public var type: String { data.type }
}

/// A session together with the speakers it names, as shown and as sent in changes.
public struct SessionDetail: Codable, Hashable, Sendable {
    public var session: Session
    public var speakers: [Speaker]
    /// The room a session was just moved out of, so that room's screens drop it.
    public var previousRoomID: Room.ID?

    public init(session: Session, speakers: [Speaker], previousRoomID: Room.ID? = nil) {
        self.session = session
        self.speakers = speakers
        self.previousRoomID = previousRoomID
    }
}

/// The sessions a delay moved, and the delay itself.
public struct DelayApplied: Codable, Hashable, Sendable {
    public var delay: Delay
    public var sessions: [SessionDetail]

    public init(delay: Delay, sessions: [SessionDetail]) {
        self.delay = delay
        self.sessions = sessions
    }
}

/// New seat counts of an event and of the sessions whose counts changed ("3 seats left").
public struct SeatsChanged: Codable, Hashable, Sendable {
    public var event: SeatCount
    public var sessions: [SessionSeats]

    public init(event: SeatCount, sessions: [SessionSeats]) {
        self.event = event
        self.sessions = sessions
    }

    public struct SessionSeats: Codable, Hashable, Sendable {
        public var sessionID: Session.ID
        public var seats: SeatCount

        public init(sessionID: Session.ID, seats: SeatCount) {
            self.sessionID = sessionID
            self.seats = seats
        }
    }
}

/// What a change did, with enough data for a client to update without refetching.
public enum ChangeData: Hashable, Sendable {
    case eventCreated(Event)
    case eventUpdated(Event)
    case roomCreated(Room)
    case roomUpdated(Room)
    case roomDeleted(Room)
    case sessionCreated(SessionDetail)
    case sessionUpdated(SessionDetail)
    case sessionCancelled(SessionDetail)
    case sessionDeleted(SessionDetail)
    case scheduleDelayed(DelayApplied)
    case announcementCreated(Announcement)
    case announcementExpired(Announcement)
    case speakerCreated(Speaker)
    case speakerUpdated(Speaker)
    case seatsChanged(SeatsChanged)

    /// The wire name of the change, e.g. `session.updated`.
    public var type: String {
        switch self {
        case .eventCreated: "event.created"
        case .eventUpdated: "event.updated"
        case .roomCreated: "room.created"
        case .roomUpdated: "room.updated"
        case .roomDeleted: "room.deleted"
        case .sessionCreated: "session.created"
        case .sessionUpdated: "session.updated"
        case .sessionCancelled: "session.cancelled"
        case .sessionDeleted: "session.deleted"
        case .scheduleDelayed: "schedule.delayed"
        case .announcementCreated: "announcement.created"
        case .announcementExpired: "announcement.expired"
        case .speakerCreated: "speaker.created"
        case .speakerUpdated: "speaker.updated"
        case .seatsChanged: "seats.changed"
        }
    }

    /// The payload alone, encoded; stored beside `type` in the change log.
    public func encodedPayload(using encoder: JSONEncoder) throws -> Data {
        switch self {
        case .eventCreated(let v), .eventUpdated(let v): try encoder.encode(v)
        case .roomCreated(let v), .roomUpdated(let v), .roomDeleted(let v): try encoder.encode(v)
        case .sessionCreated(let v), .sessionUpdated(let v), .sessionCancelled(let v), .sessionDeleted(let v):
            try encoder.encode(v)
        case .scheduleDelayed(let v): try encoder.encode(v)
        case .announcementCreated(let v), .announcementExpired(let v): try encoder.encode(v)
        case .speakerCreated(let v), .speakerUpdated(let v): try encoder.encode(v)
        case .seatsChanged(let v): try encoder.encode(v)
        }
    }

    /// Rebuilds a change from its stored `type` and payload.
    public static func decode(type: String, payload: Data, using decoder: JSONDecoder) throws -> ChangeData {
        switch type {
        case "event.created": .eventCreated(try decoder.decode(Event.self, from: payload))
        case "event.updated": .eventUpdated(try decoder.decode(Event.self, from: payload))
        case "room.created": .roomCreated(try decoder.decode(Room.self, from: payload))
        case "room.updated": .roomUpdated(try decoder.decode(Room.self, from: payload))
        case "room.deleted": .roomDeleted(try decoder.decode(Room.self, from: payload))
        case "session.created": .sessionCreated(try decoder.decode(SessionDetail.self, from: payload))
        case "session.updated": .sessionUpdated(try decoder.decode(SessionDetail.self, from: payload))
        case "session.cancelled": .sessionCancelled(try decoder.decode(SessionDetail.self, from: payload))
        case "session.deleted": .sessionDeleted(try decoder.decode(SessionDetail.self, from: payload))
        case "schedule.delayed": .scheduleDelayed(try decoder.decode(DelayApplied.self, from: payload))
        case "announcement.created": .announcementCreated(try decoder.decode(Announcement.self, from: payload))
        case "announcement.expired": .announcementExpired(try decoder.decode(Announcement.self, from: payload))
        case "speaker.created": .speakerCreated(try decoder.decode(Speaker.self, from: payload))
        case "speaker.updated": .speakerUpdated(try decoder.decode(Speaker.self, from: payload))
        case "seats.changed": .seatsChanged(try decoder.decode(SeatsChanged.self, from: payload))
        default: throw UnknownChangeType(type: type)
        }
    }
}

/// A stored change whose type this version of Tandem does not know.
public struct UnknownChangeType: Error, Hashable, Sendable {
    public var type: String
}
