import Foundation

/// One slot of the programme: a talk, workshop, panel, plenary or break, in one room.
public struct Session: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Session>

    public var id: ID
    public var eventID: Event.ID
    /// Stable identifier for exports (frab/iCalendar); never changes.
    public var guid: UUID
    public var title: TranslatedText
    public var abstract: TranslatedText?
    public var kind: Kind
    public var status: Status
    public var roomID: Room.ID
    public var startsAt: Date
    public var endsAt: Date
    public var speakerIDs: [Speaker.ID]
    /// Seats for workshop sign-up; `nil` means the session needs no sign-up.
    public var capacity: Int?
    /// Language the session is held in, e.g. `en`, `zh`, `de`.
    public var language: String?
    /// The `seq` of the change that last touched this session; its ETag.
    public var version: Int64
    public var seats: SeatCount

    public init(
        id: ID, eventID: Event.ID, guid: UUID, title: TranslatedText, abstract: TranslatedText? = nil,
        kind: Kind, status: Status = .scheduled, roomID: Room.ID, startsAt: Date, endsAt: Date,
        speakerIDs: [Speaker.ID] = [], capacity: Int? = nil, language: String? = nil,
        version: Int64 = 0, seats: SeatCount = .init()
    ) {
        self.id = id
        self.eventID = eventID
        self.guid = guid
        self.title = title
        self.abstract = abstract
        self.kind = kind
        self.status = status
        self.roomID = roomID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.speakerIDs = speakerIDs
        self.capacity = capacity
        self.language = language
        self.version = version
        self.seats = seats
    }

    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case talk, workshop, panel, plenary, `break`, other
    }

    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        case scheduled
        case cancelled
    }

    public var span: TimeSpan { TimeSpan(start: startsAt, end: endsAt) }

    /// Cancelled sessions keep their slot on record but no longer occupy a room or a speaker.
    public var occupiesSlot: Bool { status == .scheduled }
}
