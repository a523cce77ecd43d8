import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of `event`.
struct EventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "event"

    var id: Int64?
    var slug: String
    var kind: String
    var status: String
    var titleEn: String
    var titleZh: String?
    var descriptionEn: String?
    var descriptionZh: String?
    var timezone: String
    var startsAt: Date
    var endsAt: Date
    var venueName: String
    var venueAddress: String?
    var venueCity: String
    var venueCountry: String
    var capacity: Int?
    var registrationOpensAt: Date?
    var registrationClosesAt: Date?
    var registrationMode: String
    var holdMinutes: Int
    var parentId: Int64?
    var scheduleVersion: Int64
    var seatsConfirmed: Int
    var seatsWaitlisted: Int
    var createdAt: Date
    var updatedAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension EventRecord {
    init(_ event: Event, now: Date) {
        self.init(
            id: event.id.rawValue == 0 ? nil : event.id.rawValue, slug: event.slug, kind: event.kind.rawValue,
            status: event.status.rawValue, titleEn: event.title.en, titleZh: event.title.zh,
            descriptionEn: event.description?.en, descriptionZh: event.description?.zh, timezone: event.timezone,
            startsAt: event.startsAt, endsAt: event.endsAt, venueName: event.venue.name,
            venueAddress: event.venue.address, venueCity: event.venue.city, venueCountry: event.venue.country,
            capacity: event.capacity, registrationOpensAt: event.registration.opensAt,
            registrationClosesAt: event.registration.closesAt, registrationMode: event.registration.mode.rawValue,
            holdMinutes: event.registration.holdMinutes, parentId: event.parentID?.rawValue,
            scheduleVersion: event.scheduleVersion, seatsConfirmed: event.seats.confirmed,
            seatsWaitlisted: event.seats.waitlisted, createdAt: now, updatedAt: now)
    }

    func domain(parentSlug: String?) throws -> Event {
        guard let id, let kind = Event.Kind(rawValue: kind), let status = Event.Status(rawValue: status),
              let mode = RegistrationMode(rawValue: registrationMode) else {
            throw CorruptRow(table: Self.databaseTableName, id: id)
        }
        return Event(
            id: Event.ID(id), slug: slug, kind: kind, status: status,
            title: TranslatedText(en: titleEn, zh: titleZh),
            description: descriptionEn.map { TranslatedText(en: $0, zh: descriptionZh) },
            timezone: timezone, startsAt: startsAt, endsAt: endsAt,
            venue: Venue(name: venueName, address: venueAddress, city: venueCity, country: venueCountry),
            capacity: capacity,
            registration: RegistrationWindow(opensAt: registrationOpensAt, closesAt: registrationClosesAt, mode: mode, holdMinutes: holdMinutes),
            parentID: parentId.map { Event.ID($0) }, parentSlug: parentSlug, scheduleVersion: scheduleVersion,
            seats: SeatCount(capacity: capacity, confirmed: seatsConfirmed, waitlisted: seatsWaitlisted))
    }
}

/// A stored row that this version cannot read back (an enum value it does not know).
struct CorruptRow: Error, CustomStringConvertible {
    var table: String
    var id: Int64?
    var description: String { "unreadable row \(id.map(String.init) ?? "?") in \(table)" }
}
