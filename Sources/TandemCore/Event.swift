import Foundation

/// A workshop, open event, side event or conference, with its own time zone and venue.
public struct Event: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Event>

    public var id: ID
    public var slug: String
    public var kind: Kind
    public var status: Status
    public var title: TranslatedText
    public var description: TranslatedText?
    /// IANA zone of the venue; every time of this event is shown in it.
    public var timezone: String
    public var startsAt: Date
    public var endsAt: Date
    public var venue: Venue
    /// Seats for the whole event; `nil` means no limit.
    public var capacity: Int?
    public var registration: RegistrationWindow
    /// The umbrella event of a side event (e.g. a summit).
    public var parentID: ID?
    /// The parent's slug, as shown to clients; filled in by the store.
    public var parentSlug: String?
    /// The `seq` of the last change recorded for this event.
    public var scheduleVersion: Int64
    public var seats: SeatCount

    public init(
        id: ID, slug: String, kind: Kind, status: Status, title: TranslatedText,
        description: TranslatedText? = nil, timezone: String, startsAt: Date, endsAt: Date,
        venue: Venue, capacity: Int? = nil, registration: RegistrationWindow = .init(),
        parentID: ID? = nil, parentSlug: String? = nil, scheduleVersion: Int64 = 0, seats: SeatCount = .init()
    ) {
        self.id = id
        self.slug = slug
        self.kind = kind
        self.status = status
        self.title = title
        self.description = description
        self.timezone = timezone
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.venue = venue
        self.capacity = capacity
        self.registration = registration
        self.parentID = parentID
        self.parentSlug = parentSlug
        self.scheduleVersion = scheduleVersion
        self.seats = seats
    }

    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case workshop
        case openEvent = "open-event"
        case sideEvent = "side-event"
        case conference
    }

    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        case draft
        case published
        case cancelled
    }

    /// The IANA time zone of the event; valid by construction after validation.
    public var zone: TimeZone { ZoneCache.zone(timezone) ?? ZoneCache.utc }

    /// Whether `interval` lies within the event's start and end.
    public func contains(_ interval: TimeSpan) -> Bool {
        interval.start >= startsAt && interval.end <= endsAt
    }
}

/// Where an event takes place.
public struct Venue: Codable, Hashable, Sendable {
    public var name: String
    public var address: String?
    public var city: String
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String

    public init(name: String, address: String? = nil, city: String, country: String) {
        self.name = name
        self.address = address
        self.city = city
        self.country = country
    }
}

/// How online registration works for an event: when it opens and closes (either end may be open),
/// and whether a new registration is confirmed at once or only from the e-mailed link.
public struct RegistrationWindow: Codable, Hashable, Sendable {
    public var opensAt: Date?
    public var closesAt: Date?
    public var mode: RegistrationMode
    /// How long an unconfirmed place is held in `verified` mode.
    public var holdMinutes: Int

    public static let defaultHoldMinutes = 30

    /// New events default to `verified` (double opt-in).
    public init(opensAt: Date? = nil, closesAt: Date? = nil, mode: RegistrationMode = .verified, holdMinutes: Int = defaultHoldMinutes) {
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.mode = mode
        self.holdMinutes = holdMinutes
    }

    enum CodingKeys: String, CodingKey { case opensAt, closesAt, mode, holdMinutes }

    /// Changes recorded before registration modes existed describe `instant` events.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opensAt = try c.decodeIfPresent(Date.self, forKey: .opensAt)
        closesAt = try c.decodeIfPresent(Date.self, forKey: .closesAt)
        mode = try c.decodeIfPresent(RegistrationMode.self, forKey: .mode) ?? .instant
        holdMinutes = try c.decodeIfPresent(Int.self, forKey: .holdMinutes) ?? Self.defaultHoldMinutes
    }

    /// Whether registration is open at `instant`.
    public func isOpen(at instant: Date) -> Bool {
        if let opensAt, instant < opensAt { return false }
        if let closesAt, instant >= closesAt { return false }
        return true
    }
}

/// `instant`: a registration is confirmed (or waitlisted) at once, and the answer says so.
/// `verified`: double opt-in; the place is held as pending until the e-mailed link confirms it, and
/// every address gets the same answer, so nobody can learn from it who is registered.
public enum RegistrationMode: String, Codable, Hashable, Sendable, CaseIterable {
    case instant
    case verified
}

extension RegistrationMode: WireEnum {}

/// Seats taken and waited for, against a capacity (`nil`: unlimited).
public struct SeatCount: Codable, Hashable, Sendable {
    public var capacity: Int?
    public var confirmed: Int
    public var waitlisted: Int

    public init(capacity: Int? = nil, confirmed: Int = 0, waitlisted: Int = 0) {
        self.capacity = capacity
        self.confirmed = confirmed
        self.waitlisted = waitlisted
    }
}
